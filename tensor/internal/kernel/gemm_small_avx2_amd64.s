//go:build !purego

#include "textflag.h"

// AVX2 kernels for Gemm with few rows (see gemm_small.go).

// S2ROW(ar, acc0, acc1): acc += broadcast a_r[p] · the 16 floats of row p of B (Y8, Y9).
#define S2ROW(ar, acc0, acc1) \
	VBROADCASTSS (ar)(AX*1), Y10; \
	VFMADD231PS  Y8, Y10, acc0; \
	VFMADD231PS  Y9, Y10, acc1

// S2OUT0(acc0, acc1): the 16 floats at DI = alpha·acc.
#define S2OUT0(acc0, acc1) \
	VMULPS  Y12, acc0, acc0; \
	VMULPS  Y12, acc1, acc1; \
	VMOVUPS acc0, (DI); \
	VMOVUPS acc1, 32(DI)

// S2OUT(acc0, acc1): the 16 floats at DI = alpha·acc + beta·(DI), each product rounded.
#define S2OUT(acc0, acc1) \
	VMULPS  Y12, acc0, acc0; \
	VMULPS  Y12, acc1, acc1; \
	VMULPS  (DI), Y13, Y14; \
	VMULPS  32(DI), Y13, Y15; \
	VADDPS  Y14, acc0, acc0; \
	VADDPS  Y15, acc1, acc1; \
	VMOVUPS acc0, (DI); \
	VMOVUPS acc1, 32(DI)

// func gemmSmallN16AVX2(k int, a0, a1, a2, a3, b *float32, ldb int, c *float32, ldc, rows int, alpha, beta float32)
//
// For r < rows and j < 16: c[r*ldc+j] = alpha·Σ_p a_r[p]·b[p*ldb+j] (+ beta·c[r*ldc+j] unless
// beta is zero). Four rows of A (repeated when rows < 4) times a 16-column strip of B: eight
// ymm accumulators, one chain of fused multiply-adds over p in order per column; rows of B
// are prefetched eight ahead.
//
//	R8–R11 rows of A, AX offset of p in them, SI row p of B, DX its stride in bytes, R13
//	prefetch row, CX steps left, Y0–Y7 accumulators (row r in Y2r, Y2r+1)
TEXT ·gemmSmallN16AVX2(SB), NOSPLIT, $0-88
	MOVQ   k+0(FP), CX
	MOVQ   a0+8(FP), R8
	MOVQ   a1+16(FP), R9
	MOVQ   a2+24(FP), R10
	MOVQ   a3+32(FP), R11
	MOVQ   b+40(FP), SI
	MOVQ   ldb+48(FP), DX
	SHLQ   $2, DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ   AX, AX

s2loop:
	LEAQ       (SI)(DX*8), R13
	PREFETCHT0 (R13)
	PREFETCHT0 63(R13)
	VMOVUPS    (SI), Y8
	VMOVUPS    32(SI), Y9
	S2ROW(R8, Y0, Y1)
	S2ROW(R9, Y2, Y3)
	S2ROW(R10, Y4, Y5)
	S2ROW(R11, Y6, Y7)
	ADDQ       $4, AX
	ADDQ       DX, SI
	DECQ       CX
	JNZ        s2loop

	MOVQ         c+56(FP), DI
	MOVQ         ldc+64(FP), DX
	SHLQ         $2, DX
	MOVQ         rows+72(FP), BX
	VBROADCASTSS alpha+80(FP), Y12
	VBROADCASTSS beta+84(FP), Y13
	MOVL         beta+84(FP), AX
	ANDL         $0x7fffffff, AX
	JNZ          s2beta

	S2OUT0(Y0, Y1)
	DECQ BX
	JZ   s2done
	ADDQ DX, DI
	S2OUT0(Y2, Y3)
	DECQ BX
	JZ   s2done
	ADDQ DX, DI
	S2OUT0(Y4, Y5)
	DECQ BX
	JZ   s2done
	ADDQ DX, DI
	S2OUT0(Y6, Y7)
	JMP  s2done

s2beta:
	S2OUT(Y0, Y1)
	DECQ BX
	JZ   s2done
	ADDQ DX, DI
	S2OUT(Y2, Y3)
	DECQ BX
	JZ   s2done
	ADDQ DX, DI
	S2OUT(Y4, Y5)
	DECQ BX
	JZ   s2done
	ADDQ DX, DI
	S2OUT(Y6, Y7)

s2done:
	VZEROUPPER
	RET
