package checkpoint

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/tenet-ml/tenet/tensor"
)

// Entry is one tensor to write: a name, a dtype, a shape and the data in exactly one of F32
// (dtype F32), I64 (dtype I64) or Raw (little-endian bytes of any dtype). Writing does not
// copy the data, so a tensor's storage can be passed as is.
type Entry struct {
	Name  string
	Dtype Dtype
	Shape []int
	F32   []float32
	I64   []int64
	Raw   []byte
}

// Float32 returns an F32 entry for t, sharing its storage.
func Float32(name string, t *tensor.Tensor) Entry {
	return Entry{Name: name, Dtype: F32, Shape: t.Shape(), F32: t.Data()}
}

// Int64 returns an I64 entry with the given shape and elements (a scalar when shape is empty).
func Int64(name string, shape []int, v ...int64) Entry {
	return Entry{Name: name, Dtype: I64, Shape: shape, I64: v}
}

// nbytes validates e and returns the size of its data.
func (e *Entry) nbytes() (int64, error) {
	size := e.Dtype.Size()
	if size == 0 {
		return 0, fmt.Errorf("safetensors: Write: tensor %q: unknown dtype %q", e.Name, e.Dtype)
	}
	count := int64(1)
	for _, d := range e.Shape {
		if d < 0 {
			return 0, fmt.Errorf("safetensors: Write: tensor %q: negative dimension in shape %v", e.Name, e.Shape)
		}
		count *= int64(d)
	}
	var have int64
	switch {
	case e.F32 != nil && e.Dtype == F32 && e.I64 == nil && e.Raw == nil:
		have = int64(len(e.F32))
	case e.I64 != nil && e.Dtype == I64 && e.F32 == nil && e.Raw == nil:
		have = int64(len(e.I64))
	case e.Raw != nil && e.F32 == nil && e.I64 == nil:
		if len(e.Raw)%size != 0 {
			return 0, fmt.Errorf("safetensors: Write: tensor %q: %d raw bytes are not whole %s elements", e.Name, len(e.Raw), e.Dtype)
		}
		have = int64(len(e.Raw) / size)
	case e.F32 == nil && e.I64 == nil && e.Raw == nil:
		have = 0
	default:
		return 0, fmt.Errorf("safetensors: Write: tensor %q: set exactly one of F32, I64 and Raw, matching dtype %s", e.Name, e.Dtype)
	}
	if have != count {
		return 0, fmt.Errorf("safetensors: Write: tensor %q: %d elements for shape %v", e.Name, have, e.Shape)
	}
	return count * int64(size), nil
}

// Write writes entries and metadata to w in the safetensors format. Tensors are laid out as
// the reference writer does: sorted by dtype, widest first, then by name, so every tensor is
// aligned to its element size; the header lists __metadata__ first, then the tensors in data
// order, and is padded with spaces to a multiple of 8 bytes. Write returns an error for a
// duplicate or reserved name, an unknown dtype, or data that does not match its shape.
func Write(w io.Writer, entries []Entry, metadata map[string]string) error {
	order := make([]int, len(entries))
	seen := make(map[string]bool, len(entries))
	sizes := make([]int64, len(entries))
	for i := range entries {
		e := &entries[i]
		if e.Name == "" || e.Name == "__metadata__" {
			return fmt.Errorf("safetensors: Write: invalid tensor name %q", e.Name)
		}
		if seen[e.Name] {
			return fmt.Errorf("safetensors: Write: duplicate tensor name %q", e.Name)
		}
		seen[e.Name] = true
		n, err := e.nbytes()
		if err != nil {
			return err
		}
		sizes[i] = n
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		ea, eb := &entries[order[a]], &entries[order[b]]
		if ra, rb := dtypeRank[ea.Dtype], dtypeRank[eb.Dtype]; ra != rb {
			return ra > rb
		}
		return ea.Name < eb.Name
	})

	hdr := []byte{'{'}
	if len(metadata) > 0 {
		m, err := json.Marshal(metadata) // keys sorted
		if err != nil {
			return fmt.Errorf("safetensors: Write: metadata: %v", err)
		}
		hdr = append(hdr, `"__metadata__":`...)
		hdr = append(hdr, m...)
	}
	var off int64
	for k, i := range order {
		e := &entries[i]
		if k > 0 || len(metadata) > 0 {
			hdr = append(hdr, ',')
		}
		name, _ := json.Marshal(e.Name)
		hdr = append(hdr, name...)
		hdr = append(hdr, `:{"dtype":"`...)
		hdr = append(hdr, e.Dtype...)
		hdr = append(hdr, `","shape":[`...)
		for j, d := range e.Shape {
			if j > 0 {
				hdr = append(hdr, ',')
			}
			hdr = strconv.AppendInt(hdr, int64(d), 10)
		}
		hdr = append(hdr, `],"data_offsets":[`...)
		hdr = strconv.AppendInt(hdr, off, 10)
		hdr = append(hdr, ',')
		off += sizes[i]
		hdr = strconv.AppendInt(hdr, off, 10)
		hdr = append(hdr, "]}"...)
	}
	hdr = append(hdr, '}')
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	if len(hdr) > MaxHeaderSize {
		return fmt.Errorf("safetensors: Write: header of %d bytes exceeds the limit of %d", len(hdr), MaxHeaderSize)
	}

	bw := bufio.NewWriterSize(w, 1<<16)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(hdr)))
	bw.Write(lenBuf[:])
	bw.Write(hdr)
	buf := make([]byte, 0, chunk)
	for _, i := range order {
		e := &entries[i]
		switch {
		case e.F32 != nil:
			for _, v := range e.F32 {
				if len(buf)+4 > cap(buf) {
					bw.Write(buf)
					buf = buf[:0]
				}
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			}
		case e.I64 != nil:
			for _, v := range e.I64 {
				if len(buf)+8 > cap(buf) {
					bw.Write(buf)
					buf = buf[:0]
				}
				buf = binary.LittleEndian.AppendUint64(buf, uint64(v))
			}
		default:
			bw.Write(buf)
			buf = buf[:0]
			bw.Write(e.Raw)
		}
	}
	bw.Write(buf)
	return bw.Flush() // a bufio.Writer keeps its first error and returns it here
}
