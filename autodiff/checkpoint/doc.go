// Package checkpoint reads and writes safetensors files and saves and restores training
// checkpoints in that format: named parameters, optimizer state, the step, random-generator
// state and a JSON configuration, written atomically.
//
// # The safetensors format
//
// A safetensors file is
//
//	8 bytes        N, the header length, an unsigned little-endian 64-bit integer
//	N bytes        a JSON object, padded with spaces:
//	               {"__metadata__": {"key": "value", …},
//	                "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …}
//	the rest       the data buffer: each tensor's elements, row-major and little-endian, at
//	               [begin, end) relative to the start of the buffer
//
// The tensors tile the buffer: sorted by offset, each begins where the previous one ends, the
// first at 0 and the last at the end of the file. __metadata__ is optional and maps strings to
// strings only.
//
// [Open] and [Read] validate the header and return a [File] that reads tensors on demand:
// [File.Tensor] converts F32, F16, BF16 and F64 to float32 (F16 and BF16 exactly, with
// subnormals, infinities and NaNs), [File.Int64s] reads I64 and [File.Bytes] returns raw bytes
// of any dtype. This is how a Hugging Face model.safetensors (GPT-2's, for instance) is loaded.
// [Write] writes F32 and I64 entries (and raw data of any dtype), laid out like the reference
// writer: tensors sorted by dtype, widest first, then by name, so every tensor is aligned to
// its element size; the header starts with __metadata__ and is padded with spaces to a
// multiple of 8 bytes. Writing the same entries in any order gives the same bytes.
//
// # Malformed and hostile files
//
// Everything read from a file is untrusted. Read returns an error wrapping [ErrFormat], and
// never panics, for a file shorter than 8 bytes, a header length beyond the file or above
// [MaxHeaderSize] (100 MiB, checked before the header is allocated), invalid JSON or a header
// that is not an object, metadata values that are not strings, a missing field, an unknown
// dtype, a negative, fractional or overflowing dimension, offsets that disagree with the
// shape, lie outside the buffer, overlap, leave gaps or do not reach its end. Allocation is
// bounded by the header cap and the file's size. FuzzRead exercises the reader on arbitrary
// input (go test -fuzz FuzzRead ./autodiff/checkpoint/).
//
// # Checkpoints
//
// [Save] writes a [Checkpoint] as a safetensors file:
//
//	<param name>                    F32  each parameter under its own name
//	optimizer/<param>/<buffer>      F32  optimizer buffers, PyTorch names (exp_avg, …)
//	optimizer/<param>/step          I64  the parameter's optimizer step count (scalar)
//	__metadata__:
//	  format        tenet-checkpoint-1
//	  step          the training step, decimal
//	  optimizer.lr  the optimizer's learning rate, exact decimal form
//	  rng.<name>    base64 of each generator's MarshalBinary
//	  config        the configuration as one JSON string (metadata maps strings to strings)
//
// [Load] restores into existing parameters by name, checking shapes, and into an existing
// optimizer, generators and configuration value; parameters may be stored as F32, F16, BF16 or
// F64. A missing tensor, a wrong shape, an unsupported dtype or missing state is an error
// naming it, and a failed Load changes nothing. Since math/rand/v2's PCG and ChaCha8 sources
// marshal their full state, and a *rand.Rand holds nothing else, restoring the source resumes
// the random stream exactly: training resumed from a checkpoint produces the same numbers bit
// for bit as an uninterrupted run (TestResumeIsExact).
//
// # Atomic writes
//
// Save writes to a temporary file in the destination's directory, syncs it to disk, closes it,
// renames it over the destination and syncs the directory (where the platform allows). A crash
// or an error at any point leaves the previous checkpoint intact; on an error the temporary
// file is removed.
//
// # Interoperability with PyTorch
//
// testdata/torch.safetensors was written from torch tensors (F32, F16, BF16, I64, special
// values included) by testdata/gen_torch.py, which follows the format specification with
// Python's struct and json modules, and TestReadTorchFixture checks every element against
// torch's own float32 conversion. To check that a file written by tenet loads in PyTorch:
//
//	from safetensors.torch import load_file
//	tensors = load_file("checkpoint.safetensors")  # dict of name -> torch.Tensor
//
// or, without the safetensors module, parse it with testdata/check_torch.py, which rebuilds
// each tensor with torch.frombuffer and prints it.
//
// Files, parameters and optimizers are not safe for concurrent use while being written; a
// [File] may be read from several goroutines.
package checkpoint
