package checkpoint

import "math"

// Dtype is a safetensors element type, spelled as in the header ("F32", "BF16", …).
type Dtype string

// The element types of the safetensors format. The reader accepts all of them in a header;
// [File.Tensor] converts F32, F16, BF16 and F64 to float32, [File.Int64s] reads I64, and
// [File.Bytes] returns the raw bytes of any. The writer writes F32, I64 and raw data of any
// listed type.
const (
	BOOL   Dtype = "BOOL"
	U8     Dtype = "U8"
	I8     Dtype = "I8"
	F8E5M2 Dtype = "F8_E5M2"
	F8E4M3 Dtype = "F8_E4M3"
	I16    Dtype = "I16"
	U16    Dtype = "U16"
	F16    Dtype = "F16"
	BF16   Dtype = "BF16"
	I32    Dtype = "I32"
	U32    Dtype = "U32"
	F32    Dtype = "F32"
	F64    Dtype = "F64"
	I64    Dtype = "I64"
	U64    Dtype = "U64"
)

// dtypeRank orders dtypes as the reference writer does (it sorts tensors by descending rank,
// which puts wider types first and keeps every tensor aligned to its element size).
var dtypeRank = map[Dtype]int{
	BOOL: 0, U8: 1, I8: 2, F8E5M2: 3, F8E4M3: 4, I16: 5, U16: 6, F16: 7, BF16: 8,
	I32: 9, U32: 10, F32: 11, F64: 12, I64: 13, U64: 14,
}

// Size returns the size of one element in bytes, or 0 for an unknown dtype.
func (d Dtype) Size() int {
	switch d {
	case BOOL, U8, I8, F8E5M2, F8E4M3:
		return 1
	case I16, U16, F16, BF16:
		return 2
	case I32, U32, F32:
		return 4
	case F64, I64, U64:
		return 8
	}
	return 0
}

// isFloat reports whether File.Tensor converts d to float32.
func (d Dtype) isFloat() bool { return d == F32 || d == F16 || d == BF16 || d == F64 }

// halfToFloat32 converts IEEE 754 binary16 bits to float32 exactly, including subnormals,
// infinities and NaNs (the payload is kept in the high mantissa bits).
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0: // normal: rebias 15 → 127
		return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	default: // subnormal: mant · 2⁻²⁴, exact in float32
		v := float32(mant) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(v))
	}
}

// bfloat16ToFloat32 converts bfloat16 bits to float32 (exact: bfloat16 is the top half).
func bfloat16ToFloat32(b uint16) float32 { return math.Float32frombits(uint32(b) << 16) }
