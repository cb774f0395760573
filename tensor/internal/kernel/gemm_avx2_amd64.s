//go:build !purego

#include "textflag.h"

// AVX2+FMA micro-kernel for Gemm: a 6×16 tile of C in 12 ymm accumulators.
//
// Registers:
//	SI   packed A panel: 6 floats per k step (one per tile row), broadcast one at a time
//	DI   B panel: 16 floats per k step (two ymm), rows DX bytes apart
//	DX   B row stride in bytes
//	CX   k steps left
//	Y0–Y11   accumulators: tile row r is Y(2r) (columns 0–7) and Y(2r+1) (columns 8–15)
//	Y12, Y13 the current B row
//	Y14      the broadcast A value; alpha at write-back
//	Y15      beta at write-back
//
// Every accumulator is one chain of fused multiply-adds over k, in order, from zero.

#define ROW2(aoff, acc0, acc1) \
	VBROADCASTSS aoff(SI), Y14; \
	VFMADD231PS  Y12, Y14, acc0; \
	VFMADD231PS  Y13, Y14, acc1

#define KSTEP2(a, b0, b1) \
	VMOVUPS b0, Y12; \
	VMOVUPS b1, Y13; \
	ROW2(a+0, Y0, Y1); \
	ROW2(a+4, Y2, Y3); \
	ROW2(a+8, Y4, Y5); \
	ROW2(a+12, Y6, Y7); \
	ROW2(a+16, Y8, Y9); \
	ROW2(a+20, Y10, Y11)

#define STORE20(acc0, acc1) \
	VMULPS  Y14, acc0, acc0; \
	VMULPS  Y14, acc1, acc1; \
	VMOVUPS acc0, (R8); \
	VMOVUPS acc1, 32(R8); \
	ADDQ    R9, R8

#define STORE2(acc0, acc1) \
	VMULPS  Y14, acc0, acc0; \
	VMULPS  Y14, acc1, acc1; \
	VMULPS  (R8), Y15, Y12; \
	VMULPS  32(R8), Y15, Y13; \
	VADDPS  Y12, acc0, acc0; \
	VADDPS  Y13, acc1, acc1; \
	VMOVUPS acc0, (R8); \
	VMOVUPS acc1, 32(R8); \
	ADDQ    R9, R8

// func gemmMicro6x16AVX2(k int, a, b *float32, bs int, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmMicro6x16AVX2(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ bs+24(FP), DX
	SHLQ $2, DX

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	// Two k steps per iteration, then a last single step if k is odd.
	MOVQ CX, BX
	SHRQ $1, BX
	JZ   tail

loop2:
	PREFETCHT0 192(SI)
	KSTEP2(0, (DI), 32(DI))
	KSTEP2(24, (DI)(DX*1), 32(DI)(DX*1))
	ADDQ $48, SI
	LEAQ (DI)(DX*2), DI
	DECQ BX
	JNZ  loop2

tail:
	TESTQ $1, CX
	JZ    store
	KSTEP2(0, (DI), 32(DI))

store:
	MOVQ         c+32(FP), R8
	MOVQ         ldc+40(FP), R9
	SHLQ         $2, R9
	VBROADCASTSS alpha+48(FP), Y14
	MOVL         beta+52(FP), AX
	ANDL         $0x7fffffff, AX
	JZ           store0
	VBROADCASTSS beta+52(FP), Y15
	STORE2(Y0, Y1)
	STORE2(Y2, Y3)
	STORE2(Y4, Y5)
	STORE2(Y6, Y7)
	STORE2(Y8, Y9)
	STORE2(Y10, Y11)
	VZEROUPPER
	RET

store0:
	STORE20(Y0, Y1)
	STORE20(Y2, Y3)
	STORE20(Y4, Y5)
	STORE20(Y6, Y7)
	STORE20(Y8, Y9)
	STORE20(Y10, Y11)
	VZEROUPPER
	RET

// The same 6×16 micro-kernel reading A in place: A value (row r, step p) is at
// a + r·ars + p·aps floats (see gemmMicro14x32StridedAVX512).
//
//	R10 row 0 and R11 row 5 at the current step; AX = ars and BX = 3·ars in bytes reach rows
//	1–4 from R10; R13 aps in bytes; DI, DX, CX, Y0–Y15 as in gemmMicro6x16AVX2

#define SROW2(addr, acc0, acc1) \
	VBROADCASTSS addr, Y14; \
	VFMADD231PS  Y12, Y14, acc0; \
	VFMADD231PS  Y13, Y14, acc1

// func gemmMicro6x16StridedAVX2(k int, a *float32, ars, aps int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmMicro6x16StridedAVX2(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), R10
	MOVQ ars+16(FP), AX
	SHLQ $2, AX
	LEAQ (AX)(AX*2), BX
	LEAQ (R10)(AX*4), R11
	ADDQ AX, R11
	MOVQ aps+24(FP), R13
	SHLQ $2, R13
	MOVQ b+32(FP), DI
	MOVQ bs+40(FP), DX
	SHLQ $2, DX

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

sloop:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	SROW2((R10), Y0, Y1)
	SROW2((R10)(AX*1), Y2, Y3)
	SROW2((R10)(AX*2), Y4, Y5)
	SROW2((R10)(BX*1), Y6, Y7)
	SROW2((R10)(AX*4), Y8, Y9)
	SROW2((R11), Y10, Y11)
	ADDQ    R13, R10
	ADDQ    R13, R11
	ADDQ    DX, DI
	DECQ    CX
	JNZ     sloop

	MOVQ         c+48(FP), R8
	MOVQ         ldc+56(FP), R9
	SHLQ         $2, R9
	VBROADCASTSS alpha+64(FP), Y14
	MOVL         beta+68(FP), AX
	ANDL         $0x7fffffff, AX
	JZ           sstore0
	VBROADCASTSS beta+68(FP), Y15
	STORE2(Y0, Y1)
	STORE2(Y2, Y3)
	STORE2(Y4, Y5)
	STORE2(Y6, Y7)
	STORE2(Y8, Y9)
	STORE2(Y10, Y11)
	VZEROUPPER
	RET

sstore0:
	STORE20(Y0, Y1)
	STORE20(Y2, Y3)
	STORE20(Y4, Y5)
	STORE20(Y6, Y7)
	STORE20(Y8, Y9)
	STORE20(Y10, Y11)
	VZEROUPPER
	RET
