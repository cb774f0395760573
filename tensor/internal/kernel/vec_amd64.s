//go:build !purego

#include "textflag.h"

// Vector kernels in AVX2+FMA (ymm, 8 lanes) and AVX-512F (zmm, 16 lanes).
//
// Operand order is Go's: the destination is last, so "VSUBPS b, a, d" computes d = a − b and
// "VFMADD231PS c, b, a" computes a += b·c. Register use:
//   SI, DX   input pointers      DI   output pointer (or y for Dot and Axpy)
//   CX       elements left
// The AVX2 kernels finish with a scalar loop for the last len%8 elements, the AVX-512 kernels
// with one masked vector (K1 holds the low len%16 lanes; masked-off lanes are neither loaded
// nor stored, so the tails never touch memory beyond the slices).
//
// Reductions keep several vector accumulators; the order in which elements enter them, and the
// final horizontal reduction, depend only on the length, so results are deterministic.

// −Inf, the identity of max, and the mask clearing a float32's sign bit.
DATA negInf<>+0(SB)/4, $0xff800000
GLOBL negInf<>(SB), RODATA|NOPTR, $4
DATA absMask<>+0(SB)/4, $0x7fffffff
GLOBL absMask<>(SB), RODATA|NOPTR, $4

// TAILMASK512 sets K1 to the low CX lanes, 0 < CX < 16. Clobbers AX.
#define TAILMASK512 \
	MOVL $1, AX; \
	SHLL CX, AX; \
	DECL AX; \
	KMOVW AX, K1

// HSUM256 leaves the sum of the eight lanes of Y0 in X0 (pairs, then quads). Clobbers Y1.
#define HSUM256 \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS X1, X0, X0; \
	VMOVHLPS X0, X0, X1; \
	VADDPS X1, X0, X0; \
	VMOVSHDUP X0, X1; \
	VADDSS X1, X0, X0

// HSUM512 leaves the sum of the sixteen lanes of Z0 in X0. Clobbers Z1.
#define HSUM512 \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPS Y1, Y0, Y0; \
	HSUM256

// func dotAVX2(x, y []float32) float32
// Eight accumulators over 64-element blocks (accumulator j takes elements 8j..8j+7 of each
// block), then 8-element steps into accumulator 0, then a scalar accumulator; the result is
// ((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7)) reduced across lanes, plus the scalar accumulator.
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS X9, X9, X9

dot2_64:
	CMPQ CX, $64
	JLT  dot2_8
	VMOVUPS (SI), Y8
	VMOVUPS 32(SI), Y10
	VMOVUPS 64(SI), Y11
	VMOVUPS 96(SI), Y12
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y10, Y1
	VFMADD231PS 64(DI), Y11, Y2
	VFMADD231PS 96(DI), Y12, Y3
	VMOVUPS 128(SI), Y8
	VMOVUPS 160(SI), Y10
	VMOVUPS 192(SI), Y11
	VMOVUPS 224(SI), Y12
	VFMADD231PS 128(DI), Y8, Y4
	VFMADD231PS 160(DI), Y10, Y5
	VFMADD231PS 192(DI), Y11, Y6
	VFMADD231PS 224(DI), Y12, Y7
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  dot2_64

dot2_8:
	CMPQ CX, $8
	JLT  dot2_1
	VMOVUPS (SI), Y8
	VFMADD231PS (DI), Y8, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  dot2_8

dot2_1:
	TESTQ CX, CX
	JEQ   dot2_done
	VMOVSS (SI), X8
	VFMADD231SS (DI), X8, X9
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JMP  dot2_1

dot2_done:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y5, Y4, Y4
	VADDPS Y7, Y6, Y6
	VADDPS Y2, Y0, Y0
	VADDPS Y6, Y4, Y4
	VADDPS Y4, Y0, Y0
	HSUM256
	VADDSS X9, X0, X0
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func sumAVX2(x []float32) float32
// The same order as dotAVX2.
TEXT ·sumAVX2(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS X9, X9, X9

sum2_64:
	CMPQ CX, $64
	JLT  sum2_8
	VADDPS (SI), Y0, Y0
	VADDPS 32(SI), Y1, Y1
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	VADDPS 128(SI), Y4, Y4
	VADDPS 160(SI), Y5, Y5
	VADDPS 192(SI), Y6, Y6
	VADDPS 224(SI), Y7, Y7
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  sum2_64

sum2_8:
	CMPQ CX, $8
	JLT  sum2_1
	VADDPS (SI), Y0, Y0
	ADDQ $32, SI
	SUBQ $8, CX
	JMP  sum2_8

sum2_1:
	TESTQ CX, CX
	JEQ   sum2_done
	VADDSS (SI), X9, X9
	ADDQ $4, SI
	DECQ CX
	JMP  sum2_1

sum2_done:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y5, Y4, Y4
	VADDPS Y7, Y6, Y6
	VADDPS Y2, Y0, Y0
	VADDPS Y6, Y4, Y4
	VADDPS Y4, Y0, Y0
	HSUM256
	VADDSS X9, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func maxAVX2(x []float32) (m float32, absBits uint32)
// m is the maximum if no element is NaN; absBits is the largest |x[i]| viewed as an unsigned
// integer, which exceeds 0x7f800000 exactly when some element is NaN (VMAXPS does not
// propagate NaN reliably, so NaN is tracked this way and the caller decides).
TEXT ·maxAVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VBROADCASTSS negInf<>(SB), Y0
	VMOVAPS Y0, Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y0, Y3
	VMOVAPS X0, X12               // scalar-tail maximum
	VBROADCASTSS absMask<>(SB), Y13
	VPXOR Y4, Y4, Y4              // vector NaN tracker
	VPXOR X14, X14, X14           // scalar NaN tracker

max2_32:
	CMPQ CX, $32
	JLT  max2_8
	VMOVUPS (SI), Y8
	VMOVUPS 32(SI), Y9
	VMOVUPS 64(SI), Y10
	VMOVUPS 96(SI), Y11
	VMAXPS Y8, Y0, Y0
	VMAXPS Y9, Y1, Y1
	VMAXPS Y10, Y2, Y2
	VMAXPS Y11, Y3, Y3
	VPAND Y13, Y8, Y8
	VPAND Y13, Y9, Y9
	VPAND Y13, Y10, Y10
	VPAND Y13, Y11, Y11
	VPMAXUD Y8, Y9, Y9
	VPMAXUD Y10, Y11, Y11
	VPMAXUD Y9, Y4, Y4
	VPMAXUD Y11, Y4, Y4
	ADDQ $128, SI
	SUBQ $32, CX
	JMP  max2_32

max2_8:
	CMPQ CX, $8
	JLT  max2_1
	VMOVUPS (SI), Y8
	VMAXPS Y8, Y0, Y0
	VPAND Y13, Y8, Y8
	VPMAXUD Y8, Y4, Y4
	ADDQ $32, SI
	SUBQ $8, CX
	JMP  max2_8

max2_1:
	TESTQ CX, CX
	JEQ   max2_done
	VMOVSS (SI), X8
	VMAXSS X8, X12, X12
	VPAND X13, X8, X8
	VPMAXUD X8, X14, X14
	ADDQ $4, SI
	DECQ CX
	JMP  max2_1

max2_done:
	VMAXPS Y1, Y0, Y0
	VMAXPS Y3, Y2, Y2
	VMAXPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VMOVHLPS X0, X0, X1
	VMAXPS X1, X0, X0
	VMOVSHDUP X0, X1
	VMAXSS X1, X0, X0
	VMAXSS X12, X0, X0
	VEXTRACTI128 $1, Y4, X5
	VPMAXUD X5, X4, X4
	VPMAXUD X14, X4, X4
	VPSHUFD $0x4e, X4, X5
	VPMAXUD X5, X4, X4
	VPSHUFD $0xb1, X4, X5
	VPMAXUD X5, X4, X4
	VZEROUPPER
	MOVSS X0, m+24(FP)
	MOVSS X4, absBits+28(FP)
	RET

// func axpyAVX2(alpha float32, x, y []float32)
// y += alpha·x with one fused multiply-add per element (also in the scalar tail).
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Y15
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX
	MOVQ y_base+32(FP), DI

axpy2_32:
	CMPQ CX, $32
	JLT  axpy2_8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VFMADD231PS (SI), Y15, Y0
	VFMADD231PS 32(SI), Y15, Y1
	VFMADD231PS 64(SI), Y15, Y2
	VFMADD231PS 96(SI), Y15, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  axpy2_32

axpy2_8:
	CMPQ CX, $8
	JLT  axpy2_1
	VMOVUPS (DI), Y0
	VFMADD231PS (SI), Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  axpy2_8

axpy2_1:
	TESTQ CX, CX
	JEQ   axpy2_done
	VMOVSS (DI), X0
	VFMADD231SS (SI), X15, X0
	VMOVSS X0, (DI)
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JMP  axpy2_1

axpy2_done:
	VZEROUPPER
	RET

// func scaleAVX2(dst []float32, alpha float32, x []float32)
TEXT ·scaleAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	VBROADCASTSS alpha+24(FP), Y15
	MOVQ x_base+32(FP), SI
	MOVQ x_len+40(FP), CX

scale2_32:
	CMPQ CX, $32
	JLT  scale2_8
	VMULPS (SI), Y15, Y0
	VMULPS 32(SI), Y15, Y1
	VMULPS 64(SI), Y15, Y2
	VMULPS 96(SI), Y15, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  scale2_32

scale2_8:
	CMPQ CX, $8
	JLT  scale2_1
	VMULPS (SI), Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  scale2_8

scale2_1:
	TESTQ CX, CX
	JEQ   scale2_done
	VMULSS (SI), X15, X0
	VMOVSS X0, (DI)
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JMP  scale2_1

scale2_done:
	VZEROUPPER
	RET

// BINARY2 is the body of addAVX2 and mulAVX2: dst = a OP b, with a in SI, b in DX, dst in DI.
// All four loads of a step happen before its stores, so dst may alias a or b.
#define BINARY2(OPPS, OPSS, L32, L8, L1, DONE) \
L32: \
	CMPQ CX, $32; \
	JLT  L8; \
	VMOVUPS (SI), Y0; \
	VMOVUPS 32(SI), Y1; \
	VMOVUPS 64(SI), Y2; \
	VMOVUPS 96(SI), Y3; \
	OPPS (DX), Y0, Y0; \
	OPPS 32(DX), Y1, Y1; \
	OPPS 64(DX), Y2, Y2; \
	OPPS 96(DX), Y3, Y3; \
	VMOVUPS Y0, (DI); \
	VMOVUPS Y1, 32(DI); \
	VMOVUPS Y2, 64(DI); \
	VMOVUPS Y3, 96(DI); \
	ADDQ $128, SI; \
	ADDQ $128, DX; \
	ADDQ $128, DI; \
	SUBQ $32, CX; \
	JMP  L32; \
L8: \
	CMPQ CX, $8; \
	JLT  L1; \
	VMOVUPS (SI), Y0; \
	OPPS (DX), Y0, Y0; \
	VMOVUPS Y0, (DI); \
	ADDQ $32, SI; \
	ADDQ $32, DX; \
	ADDQ $32, DI; \
	SUBQ $8, CX; \
	JMP  L8; \
L1: \
	TESTQ CX, CX; \
	JEQ   DONE; \
	VMOVSS (SI), X0; \
	OPSS (DX), X0, X0; \
	VMOVSS X0, (DI); \
	ADDQ $4, SI; \
	ADDQ $4, DX; \
	ADDQ $4, DI; \
	DECQ CX; \
	JMP  L1; \
DONE: \
	VZEROUPPER; \
	RET

// func addAVX2(dst, a, b []float32)
TEXT ·addAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), CX
	MOVQ b_base+48(FP), DX
	BINARY2(VADDPS, VADDSS, add2_32, add2_8, add2_1, add2_done)

// func mulAVX2(dst, a, b []float32)
TEXT ·mulAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), CX
	MOVQ b_base+48(FP), DX
	BINARY2(VMULPS, VMULSS, mul2_32, mul2_8, mul2_1, mul2_done)

// func dotAVX512(x, y []float32) float32
// Eight accumulators over 128-element blocks, 16-element steps and the masked tail into
// accumulator 0; then ((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7)) reduced across lanes.
TEXT ·dotAVX512(SB), NOSPLIT, $0-52
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

dot5_128:
	CMPQ CX, $128
	JLT  dot5_16
	VMOVUPS (SI), Z8
	VMOVUPS 64(SI), Z9
	VMOVUPS 128(SI), Z10
	VMOVUPS 192(SI), Z11
	VMOVUPS 256(SI), Z12
	VMOVUPS 320(SI), Z13
	VMOVUPS 384(SI), Z14
	VMOVUPS 448(SI), Z15
	VFMADD231PS (DI), Z8, Z0
	VFMADD231PS 64(DI), Z9, Z1
	VFMADD231PS 128(DI), Z10, Z2
	VFMADD231PS 192(DI), Z11, Z3
	VFMADD231PS 256(DI), Z12, Z4
	VFMADD231PS 320(DI), Z13, Z5
	VFMADD231PS 384(DI), Z14, Z6
	VFMADD231PS 448(DI), Z15, Z7
	ADDQ $512, SI
	ADDQ $512, DI
	SUBQ $128, CX
	JMP  dot5_128

dot5_16:
	CMPQ CX, $16
	JLT  dot5_tail
	VMOVUPS (SI), Z8
	VFMADD231PS (DI), Z8, Z0
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  dot5_16

dot5_tail:
	TESTQ CX, CX
	JEQ   dot5_done
	TAILMASK512
	VMOVUPS.Z (SI), K1, Z8
	VMOVUPS.Z (DI), K1, Z9
	VFMADD231PS Z9, Z8, Z0

dot5_done:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z5, Z4, Z4
	VADDPS Z7, Z6, Z6
	VADDPS Z2, Z0, Z0
	VADDPS Z6, Z4, Z4
	VADDPS Z4, Z0, Z0
	HSUM512
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func sumAVX512(x []float32) float32
// The same order as dotAVX512.
TEXT ·sumAVX512(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

sum5_128:
	CMPQ CX, $128
	JLT  sum5_16
	VADDPS (SI), Z0, Z0
	VADDPS 64(SI), Z1, Z1
	VADDPS 128(SI), Z2, Z2
	VADDPS 192(SI), Z3, Z3
	VADDPS 256(SI), Z4, Z4
	VADDPS 320(SI), Z5, Z5
	VADDPS 384(SI), Z6, Z6
	VADDPS 448(SI), Z7, Z7
	ADDQ $512, SI
	SUBQ $128, CX
	JMP  sum5_128

sum5_16:
	CMPQ CX, $16
	JLT  sum5_tail
	VADDPS (SI), Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  sum5_16

sum5_tail:
	TESTQ CX, CX
	JEQ   sum5_done
	TAILMASK512
	VMOVUPS.Z (SI), K1, Z8
	VADDPS Z8, Z0, Z0

sum5_done:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z5, Z4, Z4
	VADDPS Z7, Z6, Z6
	VADDPS Z2, Z0, Z0
	VADDPS Z6, Z4, Z4
	VADDPS Z4, Z0, Z0
	HSUM512
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func maxAVX512(x []float32) (m float32, absBits uint32)
// As maxAVX2. Masked-off tail lanes keep −Inf, which changes neither result.
TEXT ·maxAVX512(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VBROADCASTSS negInf<>(SB), Z0
	VMOVAPS Z0, Z1
	VMOVAPS Z0, Z2
	VMOVAPS Z0, Z3
	VMOVAPS Z0, Z15
	VPBROADCASTD absMask<>(SB), Z13
	VPXORD Z4, Z4, Z4

max5_64:
	CMPQ CX, $64
	JLT  max5_16
	VMOVUPS (SI), Z8
	VMOVUPS 64(SI), Z9
	VMOVUPS 128(SI), Z10
	VMOVUPS 192(SI), Z11
	VMAXPS Z8, Z0, Z0
	VMAXPS Z9, Z1, Z1
	VMAXPS Z10, Z2, Z2
	VMAXPS Z11, Z3, Z3
	VPANDD Z13, Z8, Z8
	VPANDD Z13, Z9, Z9
	VPANDD Z13, Z10, Z10
	VPANDD Z13, Z11, Z11
	VPMAXUD Z8, Z9, Z9
	VPMAXUD Z10, Z11, Z11
	VPMAXUD Z9, Z4, Z4
	VPMAXUD Z11, Z4, Z4
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  max5_64

max5_16:
	CMPQ CX, $16
	JLT  max5_tail
	VMOVUPS (SI), Z8
	VMAXPS Z8, Z0, Z0
	VPANDD Z13, Z8, Z8
	VPMAXUD Z8, Z4, Z4
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  max5_16

max5_tail:
	TESTQ CX, CX
	JEQ   max5_done
	TAILMASK512
	VMOVAPS Z15, Z8
	VMOVUPS (SI), K1, Z8
	VMAXPS Z8, Z0, Z0
	VPANDD Z13, Z8, Z8
	VPMAXUD Z8, Z4, Z4

max5_done:
	VMAXPS Z1, Z0, Z0
	VMAXPS Z3, Z2, Z2
	VMAXPS Z2, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VMOVHLPS X0, X0, X1
	VMAXPS X1, X0, X0
	VMOVSHDUP X0, X1
	VMAXSS X1, X0, X0
	VEXTRACTI64X4 $1, Z4, Y5
	VPMAXUD Y5, Y4, Y4
	VEXTRACTI128 $1, Y4, X5
	VPMAXUD X5, X4, X4
	VPSHUFD $0x4e, X4, X5
	VPMAXUD X5, X4, X4
	VPSHUFD $0xb1, X4, X5
	VPMAXUD X5, X4, X4
	VZEROUPPER
	MOVSS X0, m+24(FP)
	MOVSS X4, absBits+28(FP)
	RET

// func axpyAVX512(alpha float32, x, y []float32)
TEXT ·axpyAVX512(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Z15
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX
	MOVQ y_base+32(FP), DI

axpy5_64:
	CMPQ CX, $64
	JLT  axpy5_16
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	VFMADD231PS (SI), Z15, Z0
	VFMADD231PS 64(SI), Z15, Z1
	VFMADD231PS 128(SI), Z15, Z2
	VFMADD231PS 192(SI), Z15, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  axpy5_64

axpy5_16:
	CMPQ CX, $16
	JLT  axpy5_tail
	VMOVUPS (DI), Z0
	VFMADD231PS (SI), Z15, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  axpy5_16

axpy5_tail:
	TESTQ CX, CX
	JEQ   axpy5_done
	TAILMASK512
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VFMADD231PS Z1, Z15, Z0
	VMOVUPS Z0, K1, (DI)

axpy5_done:
	VZEROUPPER
	RET

// func scaleAVX512(dst []float32, alpha float32, x []float32)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	VBROADCASTSS alpha+24(FP), Z15
	MOVQ x_base+32(FP), SI
	MOVQ x_len+40(FP), CX

scale5_64:
	CMPQ CX, $64
	JLT  scale5_16
	VMULPS (SI), Z15, Z0
	VMULPS 64(SI), Z15, Z1
	VMULPS 128(SI), Z15, Z2
	VMULPS 192(SI), Z15, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  scale5_64

scale5_16:
	CMPQ CX, $16
	JLT  scale5_tail
	VMULPS (SI), Z15, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  scale5_16

scale5_tail:
	TESTQ CX, CX
	JEQ   scale5_done
	TAILMASK512
	VMOVUPS.Z (SI), K1, Z0
	VMULPS Z0, Z15, Z0
	VMOVUPS Z0, K1, (DI)

scale5_done:
	VZEROUPPER
	RET

// BINARY5 is the body of addAVX512 and mulAVX512, laid out like BINARY2.
#define BINARY5(OPPS, L64, L16, TAIL, DONE) \
L64: \
	CMPQ CX, $64; \
	JLT  L16; \
	VMOVUPS (SI), Z0; \
	VMOVUPS 64(SI), Z1; \
	VMOVUPS 128(SI), Z2; \
	VMOVUPS 192(SI), Z3; \
	OPPS (DX), Z0, Z0; \
	OPPS 64(DX), Z1, Z1; \
	OPPS 128(DX), Z2, Z2; \
	OPPS 192(DX), Z3, Z3; \
	VMOVUPS Z0, (DI); \
	VMOVUPS Z1, 64(DI); \
	VMOVUPS Z2, 128(DI); \
	VMOVUPS Z3, 192(DI); \
	ADDQ $256, SI; \
	ADDQ $256, DX; \
	ADDQ $256, DI; \
	SUBQ $64, CX; \
	JMP  L64; \
L16: \
	CMPQ CX, $16; \
	JLT  TAIL; \
	VMOVUPS (SI), Z0; \
	OPPS (DX), Z0, Z0; \
	VMOVUPS Z0, (DI); \
	ADDQ $64, SI; \
	ADDQ $64, DX; \
	ADDQ $64, DI; \
	SUBQ $16, CX; \
	JMP  L16; \
TAIL: \
	TESTQ CX, CX; \
	JEQ   DONE; \
	TAILMASK512; \
	VMOVUPS.Z (SI), K1, Z0; \
	VMOVUPS.Z (DX), K1, Z1; \
	OPPS Z1, Z0, Z0; \
	VMOVUPS Z0, K1, (DI); \
DONE: \
	VZEROUPPER; \
	RET

// func addAVX512(dst, a, b []float32)
TEXT ·addAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), CX
	MOVQ b_base+48(FP), DX
	BINARY5(VADDPS, add5_64, add5_16, add5_tail, add5_done)

// func mulAVX512(dst, a, b []float32)
TEXT ·mulAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), CX
	MOVQ b_base+48(FP), DX
	BINARY5(VMULPS, mul5_64, mul5_16, mul5_tail, mul5_done)
