package checkpoint

import (
	"bytes"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// FuzzRead feeds arbitrary bytes to the reader: it must return an error or a File whose
// tensors all read without panicking, and never allocate more than the input's size per
// tensor (Read validates offsets against the size before anything is read).
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, []Entry{
		Float32("w", tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)),
		Float32("s", tensor.Scalar(1)),
		Int64("n", nil, 7),
		{Name: "h", Dtype: F16, Shape: []int{2}, Raw: []byte{0, 0x3c, 1, 0}},
		{Name: "b", Dtype: BF16, Shape: []int{1}, Raw: []byte{0x80, 0x3f}},
	}, map[string]string{"k": "v"})
	valid := buf.Bytes()
	f.Add(valid)
	for _, n := range []int{0, 7, 8, 9, 40, len(valid) / 2, len(valid) - 1} {
		f.Add(valid[:n])
	}
	f.Add(file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(file(`{"a":{"dtype":"F64","shape":[0,1],"data_offsets":[0,0]},"b":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{9}))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, name := range sf.Names() {
			in, ok := sf.Info(name)
			if !ok || in.End > int64(len(data)) {
				t.Fatalf("%s: bad info %+v", name, in)
			}
			if x, err := sf.Tensor(name); err == nil && x.Len() != in.Len() {
				t.Fatalf("%s: %d elements, info says %d", name, x.Len(), in.Len())
			}
			sf.Int64s(name)
			sf.Bytes(name)
		}
		sf.Metadata()
	})
}
