package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"

	"github.com/tenet-ml/tenet/tensor"
)

// MaxHeaderSize is the largest JSON header the reader accepts, 100 MiB (the reference
// implementation's limit). A file announcing a larger header is rejected before anything is
// allocated.
const MaxHeaderSize = 100 << 20

// Info describes one tensor of a safetensors file.
type Info struct {
	// Dtype is the element type.
	Dtype Dtype
	// Shape is the row-major shape; an empty shape is a scalar.
	Shape []int
	// Begin and End are the tensor's byte offsets relative to the start of the data buffer
	// (after the header).
	Begin, End int64
}

// Len returns the number of elements.
func (in Info) Len() int {
	n := 1
	for _, d := range in.Shape {
		n *= d
	}
	return n
}

// File is an open safetensors file: a validated header and the means to read tensors on
// demand. Its methods are safe for concurrent use if the underlying io.ReaderAt is (an
// *os.File is).
type File struct {
	r      io.ReaderAt
	closer io.Closer
	base   int64 // absolute offset of the data buffer
	infos  map[string]Info
	names  []string
	meta   map[string]string
}

// Open opens and validates the safetensors file at path. Close the File when done.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	sf, err := Read(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sf.closer = f
	return sf, nil
}

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("safetensors: malformed file")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// Read validates the header of the safetensors data of the given size held by r and returns
// a File that reads tensors from r. It returns an error wrapping [ErrFormat] if the header is
// malformed: a header length beyond the data or above [MaxHeaderSize], invalid JSON, an
// unknown dtype, a negative or overflowing shape, offsets that disagree with the shape, or
// tensors that overlap, leave gaps or do not cover the data buffer exactly.
func Read(r io.ReaderAt, size int64) (*File, error) {
	if size < 8 {
		return nil, formatErr("%d bytes, shorter than the 8-byte header length", size)
	}
	var lenBuf [8]byte
	if err := readFull(r, lenBuf[:], 0); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderSize {
		return nil, formatErr("header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	if int64(n) > size-8 {
		return nil, formatErr("header length %d exceeds the %d bytes after the length", n, size-8)
	}
	hdr := make([]byte, n)
	if err := readFull(r, hdr, 8); err != nil {
		return nil, err
	}
	f := &File{r: r, base: 8 + int64(n)}
	if err := f.parseHeader(hdr, size-f.base); err != nil {
		return nil, err
	}
	return f, nil
}

func readFull(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("safetensors: reading %d bytes at offset %d: %w", len(p), off, err)
}

// headerEntry is one tensor's header record; pointers detect missing fields.
type headerEntry struct {
	Dtype   *string  `json:"dtype"`
	Shape   *[]int64 `json:"shape"`
	Offsets *[]int64 `json:"data_offsets"`
}

func (f *File) parseHeader(hdr []byte, dataLen int64) error {
	if len(bytes.TrimSpace(hdr)) == 0 || bytes.TrimLeft(hdr, " \t\r\n")[0] != '{' {
		return formatErr("header is not a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return formatErr("header JSON: %v", err)
	}
	f.infos = make(map[string]Info, len(raw))
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.meta); err != nil {
				return formatErr("__metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var e headerEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return formatErr("tensor %q: %v", name, err)
		}
		if e.Dtype == nil || e.Shape == nil || e.Offsets == nil {
			return formatErr("tensor %q: dtype, shape and data_offsets are required", name)
		}
		dt := Dtype(*e.Dtype)
		size := dt.Size()
		if size == 0 {
			return formatErr("tensor %q: unknown dtype %q", name, *e.Dtype)
		}
		shape := make([]int, len(*e.Shape))
		count := int64(1)
		for i, d := range *e.Shape {
			if d < 0 || d > math.MaxInt {
				return formatErr("tensor %q: invalid dimension %d in shape %v", name, d, *e.Shape)
			}
			if d != 0 && count > math.MaxInt64/d {
				return formatErr("tensor %q: shape %v overflows", name, *e.Shape)
			}
			count *= d
			shape[i] = int(d)
		}
		if count > math.MaxInt64/int64(size) || count > math.MaxInt {
			return formatErr("tensor %q: shape %v overflows", name, *e.Shape)
		}
		off := *e.Offsets
		if len(off) != 2 {
			return formatErr("tensor %q: data_offsets must have two elements, got %v", name, off)
		}
		if off[0] < 0 || off[1] < off[0] || off[1] > dataLen {
			return formatErr("tensor %q: data_offsets %v out of range for a %d-byte buffer", name, off, dataLen)
		}
		if off[1]-off[0] != count*int64(size) {
			return formatErr("tensor %q: data_offsets %v hold %d bytes, shape %v of %s needs %d",
				name, off, off[1]-off[0], *e.Shape, dt, count*int64(size))
		}
		f.infos[name] = Info{Dtype: dt, Shape: shape, Begin: off[0], End: off[1]}
		f.names = append(f.names, name)
	}
	// The tensors must tile the buffer: sorted by offset, each begins where the last ended.
	order := slices.Clone(f.names)
	sort.Slice(order, func(i, j int) bool {
		a, b := f.infos[order[i]], f.infos[order[j]]
		if a.Begin != b.Begin {
			return a.Begin < b.Begin
		}
		return a.End < b.End
	})
	var pos int64
	for _, name := range order {
		in := f.infos[name]
		if in.Begin != pos {
			if in.Begin < pos {
				return formatErr("tensor %q: data_offsets [%d, %d] overlap the previous tensor", name, in.Begin, in.End)
			}
			return formatErr("tensor %q: gap before data_offsets [%d, %d]", name, in.Begin, in.End)
		}
		pos = in.End
	}
	if pos != dataLen {
		return formatErr("tensors cover %d bytes of a %d-byte data buffer", pos, dataLen)
	}
	slices.Sort(f.names)
	return nil
}

// Close closes the file opened by [Open]; for a File from [Read] it does nothing.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Names returns the tensor names in lexical order. The slice belongs to f.
func (f *File) Names() []string { return f.names }

// Info returns the description of the named tensor and whether it exists.
func (f *File) Info(name string) (Info, bool) {
	in, ok := f.infos[name]
	return in, ok
}

// Metadata returns the __metadata__ map (nil if the file has none). The map belongs to f.
func (f *File) Metadata() map[string]string { return f.meta }

func (f *File) info(op, name string) (Info, error) {
	in, ok := f.infos[name]
	if !ok {
		return Info{}, fmt.Errorf("safetensors: %s: no tensor %q", op, name)
	}
	return in, nil
}

// Bytes returns the raw little-endian bytes of the named tensor, whatever its dtype.
func (f *File) Bytes(name string) ([]byte, error) {
	in, err := f.info("Bytes", name)
	if err != nil {
		return nil, err
	}
	b := make([]byte, in.End-in.Begin)
	if err := readFull(f.r, b, f.base+in.Begin); err != nil {
		return nil, err
	}
	return b, nil
}

// chunk is how many bytes Tensor and Int64s read at a time.
const chunk = 1 << 16

// forChunks reads the tensor's bytes in chunks of whole elements and calls fn with each chunk
// and the index of its first element.
func (f *File) forChunks(in Info, fn func(b []byte, first int)) error {
	size := int64(in.Dtype.Size())
	step := chunk / size * size
	buf := make([]byte, min(step, in.End-in.Begin))
	for off := in.Begin; off < in.End; off += step {
		b := buf[:min(step, in.End-off)]
		if err := readFull(f.r, b, f.base+off); err != nil {
			return err
		}
		fn(b, int((off-in.Begin)/size))
	}
	return nil
}

// Tensor reads the named tensor and converts it to float32: F32 as is, F16 and BF16 exactly
// (subnormals, infinities and NaNs included), F64 rounded to nearest. Other dtypes are an
// error; read integers with [File.Int64s] or [File.Bytes].
func (f *File) Tensor(name string) (*tensor.Tensor, error) {
	in, err := f.info("Tensor", name)
	if err != nil {
		return nil, err
	}
	if !in.Dtype.isFloat() {
		return nil, fmt.Errorf("safetensors: tensor %q has dtype %s, not a floating-point type", name, in.Dtype)
	}
	out := make([]float32, in.Len())
	err = f.forChunks(in, func(b []byte, first int) {
		dst := out[first:]
		switch in.Dtype {
		case F32:
			for i := range len(b) / 4 {
				dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
		case F16:
			for i := range len(b) / 2 {
				dst[i] = halfToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
			}
		case BF16:
			for i := range len(b) / 2 {
				dst[i] = bfloat16ToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
			}
		case F64:
			for i := range len(b) / 8 {
				dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(out, in.Shape...), nil
}

// Int64s reads the named I64 tensor and returns its elements in row-major order with its shape.
func (f *File) Int64s(name string) ([]int64, []int, error) {
	in, err := f.info("Int64s", name)
	if err != nil {
		return nil, nil, err
	}
	if in.Dtype != I64 {
		return nil, nil, fmt.Errorf("safetensors: tensor %q has dtype %s, not I64", name, in.Dtype)
	}
	out := make([]int64, in.Len())
	err = f.forChunks(in, func(b []byte, first int) {
		dst := out[first:]
		for i := range len(b) / 8 {
			dst[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return out, in.Shape, nil
}
