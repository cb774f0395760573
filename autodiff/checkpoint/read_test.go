package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// TestReadTorchFixture loads testdata/torch.safetensors, written from torch tensors by
// testdata/gen_torch.py, and compares every element with torch's own float32 conversion.
func TestReadTorchFixture(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Tensors map[string]struct {
			Shape   []int
			F32Bits []uint32 `json:"f32_bits"`
			I64     []int64
		}
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	f, err := Open("testdata/torch.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.Metadata()["format"]; got != "pt" {
		t.Errorf(`Metadata()["format"] = %q, want "pt"`, got)
	}
	if len(f.Names()) != len(want.Tensors) {
		t.Errorf("Names() = %v, want %d tensors", f.Names(), len(want.Tensors))
	}
	for name, w := range want.Tensors {
		in, ok := f.Info(name)
		if !ok {
			t.Errorf("no tensor %q", name)
			continue
		}
		if !slices.Equal(in.Shape, w.Shape) {
			t.Errorf("%s: shape %v, want %v", name, in.Shape, w.Shape)
		}
		if w.I64 != nil {
			v, shape, err := f.Int64s(name)
			if err != nil || !slices.Equal(v, w.I64) || !slices.Equal(shape, w.Shape) {
				t.Errorf("%s: Int64s = %v %v %v, want %v", name, v, shape, err, w.I64)
			}
			continue
		}
		x, err := f.Tensor(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.Equal(x.Shape(), w.Shape) || x.Len() != len(w.F32Bits) {
			t.Errorf("%s: tensor shape %v, want %v", name, x.Shape(), w.Shape)
			continue
		}
		for i, v := range x.Data() {
			if got := math.Float32bits(v); got != w.F32Bits[i] {
				t.Errorf("%s[%d] = %v (%#08x), torch gives %v (%#08x)", name, i, v, got, math.Float32frombits(w.F32Bits[i]), w.F32Bits[i])
			}
		}
	}
}

// TestHalfConversion checks every binary16 value against the definition.
func TestHalfConversion(t *testing.T) {
	for h := range 1 << 16 {
		sign := 1.0
		if h&0x8000 != 0 {
			sign = -1
		}
		e, m := (h>>10)&0x1f, h&0x3ff
		var want float64
		switch {
		case e == 0x1f && m == 0:
			want = math.Inf(int(sign))
		case e == 0x1f:
			want = math.NaN()
		case e == 0:
			want = sign * math.Ldexp(float64(m), -24)
		default:
			want = sign * math.Ldexp(1+float64(m)/1024, e-15)
		}
		got := halfToFloat32(uint16(h))
		if math.IsNaN(want) {
			if !math.IsNaN(float64(got)) || math.Signbit(float64(got)) != (sign < 0) {
				t.Fatalf("half %#04x: got %v, want NaN with sign %v", h, got, sign)
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != math.Signbit(want) {
			t.Fatalf("half %#04x: got %v, want %v", h, got, want)
		}
	}
}

func TestBFloat16Conversion(t *testing.T) {
	for _, c := range []struct {
		b    uint16
		want float32
	}{{0x3f80, 1}, {0xc040, -3}, {0x0001, math.Float32frombits(0x00010000)}, {0x7f80, float32(math.Inf(1))}, {0x8000, float32(math.Copysign(0, -1))}} {
		if got := bfloat16ToFloat32(c.b); math.Float32bits(got) != math.Float32bits(c.want) {
			t.Errorf("bf16 %#04x = %v, want %v", c.b, got, c.want)
		}
	}
	if !math.IsNaN(float64(bfloat16ToFloat32(0x7fc0))) {
		t.Error("bf16 0x7fc0 is not NaN")
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	w := tensor.FromSlice([]float32{1, -2, 3.5, float32(math.Inf(1)), -0, 6}, 2, 3)
	entries := []Entry{
		Float32("w", w),
		Float32("s", tensor.Scalar(42)),
		Float32("e", tensor.New(0, 3)),
		Int64("n", nil, 1<<62),
		Int64("v", []int{2}, -5, 7),
		{Name: "u8", Dtype: U8, Shape: []int{3}, Raw: []byte{1, 2, 3}},
		{Name: "h", Dtype: F16, Shape: []int{2}, Raw: []byte{0x00, 0x3c, 0x00, 0xc0}}, // 1, -2
		{Name: "bf", Dtype: BF16, Shape: []int{1}, Raw: []byte{0x80, 0x3f}},           // 1
		{Name: "d", Dtype: F64, Shape: []int{1}, Raw: binary.LittleEndian.AppendUint64(nil, math.Float64bits(0.1))},
	}
	var buf bytes.Buffer
	meta := map[string]string{"a": "b", "json": `{"x":[1,2]}`}
	if err := Write(&buf, entries, meta); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	n := binary.LittleEndian.Uint64(data)
	if n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	if !strings.HasPrefix(string(data[8:]), `{"__metadata__":{"a":"b",`) {
		t.Errorf("header does not start with the metadata: %.60s", data[8:])
	}
	f, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if !maps(f.Metadata(), meta) {
		t.Errorf("metadata = %v, want %v", f.Metadata(), meta)
	}
	// Widest dtypes first, so every tensor is aligned to its element size.
	for _, name := range f.Names() {
		in, _ := f.Info(name)
		if in.Begin%int64(in.Dtype.Size()) != 0 {
			t.Errorf("%s (%s) at offset %d is misaligned", name, in.Dtype, in.Begin)
		}
	}
	got, err := f.Tensor("w")
	if err != nil || math.Float32bits(got.Data()[4]) != math.Float32bits(-0) || !got.Equal(w) {
		t.Errorf("w = %v, %v; want %v", got, err, w)
	}
	for name, want := range map[string]*tensor.Tensor{
		"s": tensor.Scalar(42), "e": tensor.New(0, 3), "h": tensor.FromSlice([]float32{1, -2}, 2),
		"bf": tensor.FromSlice([]float32{1}, 1), "d": tensor.FromSlice([]float32{0.1}, 1),
	} {
		if got, err := f.Tensor(name); err != nil || !got.Equal(want) {
			t.Errorf("%s = %v, %v; want %v", name, got, err, want)
		}
	}
	if v, shape, err := f.Int64s("n"); err != nil || len(shape) != 0 || v[0] != 1<<62 {
		t.Errorf("n = %v %v %v", v, shape, err)
	}
	if v, _, err := f.Int64s("v"); err != nil || !slices.Equal(v, []int64{-5, 7}) {
		t.Errorf("v = %v %v", v, err)
	}
	if b, err := f.Bytes("u8"); err != nil || !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Errorf("u8 = %v %v", b, err)
	}
	if _, err := f.Tensor("u8"); err == nil {
		t.Error("Tensor on a U8 tensor: no error")
	}
	if _, _, err := f.Int64s("w"); err == nil {
		t.Error("Int64s on an F32 tensor: no error")
	}
	if _, err := f.Tensor("missing"); err == nil {
		t.Error("Tensor of a missing name: no error")
	}

	// Writing is deterministic whatever the entry order.
	var buf2 bytes.Buffer
	slices.Reverse(entries)
	if err := Write(&buf2, entries, meta); err != nil || !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
		t.Errorf("writing reversed entries gives different bytes (%v)", err)
	}
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestWriteErrors(t *testing.T) {
	cases := map[string][]Entry{
		"duplicate":    {Float32("a", tensor.New(1)), Float32("a", tensor.New(2))},
		"reserved":     {Float32("__metadata__", tensor.New(1))},
		"empty name":   {Float32("", tensor.New(1))},
		"bad dtype":    {{Name: "a", Dtype: "F128", Shape: []int{1}, Raw: make([]byte, 16)}},
		"short data":   {{Name: "a", Dtype: F32, Shape: []int{3}, F32: []float32{1, 2}}},
		"negative dim": {{Name: "a", Dtype: F32, Shape: []int{-1}}},
		"raw partial":  {{Name: "a", Dtype: F32, Shape: []int{1}, Raw: []byte{1, 2, 3}}},
		"two sources":  {{Name: "a", Dtype: F32, Shape: []int{1}, F32: []float32{1}, Raw: make([]byte, 4)}},
		"f32 as i64":   {{Name: "a", Dtype: I64, Shape: []int{1}, F32: []float32{1}}},
	}
	for name, entries := range cases {
		if err := Write(&bytes.Buffer{}, entries, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// file assembles a safetensors file from a header string and a data buffer.
func file(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestReadHostile(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	if _, err := Read(bytes.NewReader(file(ok, make([]byte, 8))), 16+int64(len(ok))); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	huge := binary.LittleEndian.AppendUint64(nil, 1<<62)
	cases := map[string][]byte{
		"empty":             {},
		"short length":      {1, 2, 3},
		"header beyond":     file(ok, make([]byte, 8))[:20],
		"huge header":       append(huge, make([]byte, 64)...),
		"above cap":         append(binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1), make([]byte, 64)...),
		"invalid JSON":      file(`{"a":`, nil),
		"not an object":     file(`[1,2]`, nil),
		"null":              file(`null`, nil),
		"blank":             file(`        `, nil),
		"metadata not str":  file(`{"__metadata__":{"a":1}}`, nil),
		"entry not object":  file(`{"a":3}`, nil),
		"missing dtype":     file(`{"a":{"shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"missing shape":     file(`{"a":{"dtype":"F32","data_offsets":[0,8]}}`, make([]byte, 8)),
		"missing offsets":   file(`{"a":{"dtype":"F32","shape":[2]}}`, make([]byte, 8)),
		"unknown dtype":     file(`{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"negative dim":      file(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"fractional dim":    file(`{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"overflowing shape": file(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"overflow bytes":    file(`{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"size mismatch":     file(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"out of range":      file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`, make([]byte, 8)),
		"reversed offsets":  file(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, make([]byte, 8)),
		"negative offset":   file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}`, make([]byte, 8)),
		"three offsets":     file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}`, make([]byte, 8)),
		"overlap": file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},`+
			`"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)),
		"gap": file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},`+
			`"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, make([]byte, 12)),
		"trailing data": file(ok, make([]byte, 12)),
		"short data":    file(ok, make([]byte, 4)),
		"offset huge":   file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775808]}}`, make([]byte, 8)),
	}
	for name, data := range cases {
		f, err := Read(bytes.NewReader(data), int64(len(data)))
		if err == nil {
			t.Errorf("%s: no error (names %v)", name, f.Names())
		}
	}
	// A size larger than the data: reads fail with an error, not a panic.
	data := file(ok, make([]byte, 8))
	if f, err := Read(bytes.NewReader(data[:len(data)-4]), int64(len(data))); err == nil {
		if _, err := f.Tensor("a"); err == nil {
			t.Error("reading a tensor past the end: no error")
		}
	}
	// Malformed-file errors wrap ErrFormat.
	if _, err := Read(bytes.NewReader(cases["gap"]), int64(len(cases["gap"]))); !errors.Is(err, ErrFormat) {
		t.Errorf("gap: error %v does not wrap ErrFormat", err)
	}
}
