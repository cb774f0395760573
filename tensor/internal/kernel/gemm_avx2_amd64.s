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

// func gemmPackT8AVX2(blocks int, src *float32, ld int, dst *float32, width, rows int)
//
// Transposing pack of up to 8 rows, the AVX2 twin of gemmPackT16AVX512: for each of blocks
// groups of 8 steps, loads 8 floats from each row r < rows (missing rows read as zero),
// transposes the 8×8 block in registers and stores each of the 8 columns, 8 floats, to dst,
// width floats apart, in order. When width < 8 a column spills into the start of the next one,
// which the next store overwrites; the caller leaves room after the last (masked stores,
// which would avoid this, are slow on some processors).
//
//	R10 row 0, R11 row 5; AX = ld and BX = 3·ld in bytes; R14 rows; R8 = width in bytes;
//	DI dst; CX blocks left. Y0–Y7 rows, Y8–Y15 pairs (unpack), Y0–Y7 quads (shufps), Y8–Y15
//	columns (128-bit halves exchanged by vperm2f128).

#define T8LOAD(cnt, addr, reg) \
	CMPQ    R14, $cnt; \
	JLE     t8loaded; \
	VMOVUPS addr, reg

TEXT ·gemmPackT8AVX2(SB), NOSPLIT, $0-48
	MOVQ  blocks+0(FP), CX
	MOVQ  src+8(FP), R10
	MOVQ  ld+16(FP), AX
	SHLQ  $2, AX
	LEAQ  (AX)(AX*2), BX
	LEAQ  (R10)(AX*4), R11
	ADDQ  AX, R11
	MOVQ  dst+24(FP), DI
	MOVQ  width+32(FP), R8
	SHLQ  $2, R8
	MOVQ  rows+40(FP), R14
	TESTQ CX, CX
	JZ    t8done

t8block:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	T8LOAD(0, (R10), Y0)
	T8LOAD(1, (R10)(AX*1), Y1)
	T8LOAD(2, (R10)(AX*2), Y2)
	T8LOAD(3, (R10)(BX*1), Y3)
	T8LOAD(4, (R10)(AX*4), Y4)
	T8LOAD(5, (R11), Y5)
	T8LOAD(6, (R11)(AX*1), Y6)
	T8LOAD(7, (R11)(AX*2), Y7)

t8loaded:
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	// Y(c) holds rows 0–3 of steps c and 4+c; Y(4+c) rows 4–7.
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	// Y(8+p) = all 8 rows of step p.
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	VMOVUPS Y8, (DI)
	ADDQ    R8, DI
	VMOVUPS Y9, (DI)
	ADDQ    R8, DI
	VMOVUPS Y10, (DI)
	ADDQ    R8, DI
	VMOVUPS Y11, (DI)
	ADDQ    R8, DI
	VMOVUPS Y12, (DI)
	ADDQ    R8, DI
	VMOVUPS Y13, (DI)
	ADDQ    R8, DI
	VMOVUPS Y14, (DI)
	ADDQ    R8, DI
	VMOVUPS Y15, (DI)
	ADDQ    R8, DI

	ADDQ $32, R10
	ADDQ $32, R11
	DECQ CX
	JNZ  t8block

t8done:
	VZEROUPPER
	RET
