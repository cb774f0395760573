//go:build !purego

#include "textflag.h"
#include "zero_amd64.h"

// AVX-512F kernels for Gemm with few rows (see gemm_small.go).

// SNROW(x, acc0..acc3): acc_q += broadcast x · B chunk q (Z16–Z19).
#define SNROW(x, acc0, acc1, acc2, acc3) \
	VFMADD231PS Z16, x, acc0; \
	VFMADD231PS Z17, x, acc1; \
	VFMADD231PS Z18, x, acc2; \
	VFMADD231PS Z19, x, acc3

// SNOUT0(acc0..acc3): the row at DI = alpha·acc, chunk q stored under mask K(q+1).
#define SNOUT0(acc0, acc1, acc2, acc3) \
	VMULPS  Z24, acc0, acc0; \
	VMULPS  Z24, acc1, acc1; \
	VMULPS  Z24, acc2, acc2; \
	VMULPS  Z24, acc3, acc3; \
	VMOVUPS acc0, K1, (DI); \
	VMOVUPS acc1, K2, 64(DI); \
	VMOVUPS acc2, K3, 128(DI); \
	VMOVUPS acc3, K4, 192(DI)

// SNOUT1(acc, off, kq): the chunk at off(DI) = alpha·acc + beta·chunk, each product rounded.
#define SNOUT1(acc, off, kq) \
	VMULPS    Z24, acc, acc; \
	VMOVUPS.Z off(DI), kq, Z26; \
	VMULPS    Z25, Z26, Z26; \
	VADDPS    Z26, acc, acc; \
	VMOVUPS   acc, kq, off(DI)

#define SNOUT(acc0, acc1, acc2, acc3) \
	SNOUT1(acc0, 0, K1); \
	SNOUT1(acc1, 64, K2); \
	SNOUT1(acc2, 128, K3); \
	SNOUT1(acc3, 192, K4)

// func gemmSmallNAVX512(k int, a0, a1, a2, a3, b *float32, ldb int, c *float32, ldc, rows int, mask uint64, alpha, beta float32)
//
// For r < rows and the columns j < 64 whose bit is set in mask (a prefix):
// c[r*ldc+j] = alpha·Σ_p a_r[p]·b[p*ldb+j] (+ beta·c[r*ldc+j] unless beta is zero). Four rows
// of A (a3 may repeat a row when rows < 4) times a 64-column strip of B: 16 zmm accumulators,
// one chain of fused multiply-adds over p in order per column. Rows of B are prefetched eight
// ahead (the strip walks down B with a large stride the hardware prefetchers do not follow).
//
//	R8–R11 rows of A, AX offset of p in them, SI row p of B, DX its stride in bytes, R13
//	prefetch row, CX steps left, K1–K4 column masks, Z0–Z15 accumulators (row r in Z4r–Z4r+3)
TEXT ·gemmSmallNAVX512(SB), NOSPLIT, $0-96
	MOVQ k+0(FP), CX
	MOVQ a0+8(FP), R8
	MOVQ a1+16(FP), R9
	MOVQ a2+24(FP), R10
	MOVQ a3+32(FP), R11
	MOVQ b+40(FP), SI
	MOVQ ldb+48(FP), DX
	SHLQ $2, DX
	MOVQ mask+80(FP), AX
	KMOVW AX, K1
	SHRQ $16, AX
	KMOVW AX, K2
	SHRQ $16, AX
	KMOVW AX, K3
	SHRQ $16, AX
	KMOVW AX, K4
	ZERO16
	XORQ AX, AX

snloop:
	LEAQ         (SI)(DX*8), R13
	PREFETCHT0   (R13)
	PREFETCHT0   64(R13)
	PREFETCHT0   128(R13)
	PREFETCHT0   192(R13)
	VMOVUPS.Z    (SI), K1, Z16
	VMOVUPS.Z    64(SI), K2, Z17
	VMOVUPS.Z    128(SI), K3, Z18
	VMOVUPS.Z    192(SI), K4, Z19
	VBROADCASTSS (R8)(AX*1), Z20
	VBROADCASTSS (R9)(AX*1), Z21
	VBROADCASTSS (R10)(AX*1), Z22
	VBROADCASTSS (R11)(AX*1), Z23
	SNROW(Z20, Z0, Z1, Z2, Z3)
	SNROW(Z21, Z4, Z5, Z6, Z7)
	SNROW(Z22, Z8, Z9, Z10, Z11)
	SNROW(Z23, Z12, Z13, Z14, Z15)
	ADDQ         $4, AX
	ADDQ         DX, SI
	DECQ         CX
	JNZ          snloop

	MOVQ         c+56(FP), DI
	MOVQ         ldc+64(FP), DX
	SHLQ         $2, DX
	MOVQ         rows+72(FP), BX
	VBROADCASTSS alpha+88(FP), Z24
	VBROADCASTSS beta+92(FP), Z25
	MOVL         beta+92(FP), AX
	ANDL         $0x7fffffff, AX
	JNZ          snbeta

	SNOUT0(Z0, Z1, Z2, Z3)
	DECQ BX
	JZ   sndone
	ADDQ DX, DI
	SNOUT0(Z4, Z5, Z6, Z7)
	DECQ BX
	JZ   sndone
	ADDQ DX, DI
	SNOUT0(Z8, Z9, Z10, Z11)
	DECQ BX
	JZ   sndone
	ADDQ DX, DI
	SNOUT0(Z12, Z13, Z14, Z15)
	JMP  sndone

snbeta:
	SNOUT(Z0, Z1, Z2, Z3)
	DECQ BX
	JZ   sndone
	ADDQ DX, DI
	SNOUT(Z4, Z5, Z6, Z7)
	DECQ BX
	JZ   sndone
	ADDQ DX, DI
	SNOUT(Z8, Z9, Z10, Z11)
	DECQ BX
	JZ   sndone
	ADDQ DX, DI
	SNOUT(Z12, Z13, Z14, Z15)

sndone:
	VZEROUPPER
	RET

// S8ROW(ar, x, acc0, acc1): acc_q += broadcast a_r[p] · B chunk q (Z16, Z17).
#define S8ROW(ar, x, acc0, acc1) \
	VBROADCASTSS (ar)(AX*1), x; \
	VFMADD231PS  Z16, x, acc0; \
	VFMADD231PS  Z17, x, acc1

// S8OUT0(acc0, acc1): the row at DI = alpha·acc, chunk q stored under mask K(q+1).
#define S8OUT0(acc0, acc1) \
	VMULPS  Z24, acc0, acc0; \
	VMULPS  Z24, acc1, acc1; \
	VMOVUPS acc0, K1, (DI); \
	VMOVUPS acc1, K2, 64(DI)

#define S8OUT(acc0, acc1) \
	SNOUT1(acc0, 0, K1); \
	SNOUT1(acc1, 64, K2)

// func gemmSmallN8AVX512(k int, a0, a1, a2, a3, a4, a5, a6, a7, b *float32, ldb int, c *float32, ldc, rows int, mask uint64, alpha, beta float32)
//
// gemmSmallNAVX512 for eight rows of A (repeated when rows < 8) and a 32-column strip of B
// (the low 32 bits of mask): 16 zmm accumulators, row r in Z2r, Z2r+1.
//
//	R8–R12, BX, DI, R14 rows of A, AX offset of p in them, SI row p of B, DX its stride in
//	bytes, R13 prefetch row, CX steps left
TEXT ·gemmSmallN8AVX512(SB), NOSPLIT, $0-128
	MOVQ   k+0(FP), CX
	MOVQ   a0+8(FP), R8
	MOVQ   a1+16(FP), R9
	MOVQ   a2+24(FP), R10
	MOVQ   a3+32(FP), R11
	MOVQ   a4+40(FP), R12
	MOVQ   a5+48(FP), BX
	MOVQ   a6+56(FP), DI
	MOVQ   a7+64(FP), R14
	MOVQ   b+72(FP), SI
	MOVQ   ldb+80(FP), DX
	SHLQ   $2, DX
	MOVQ   mask+112(FP), AX
	KMOVW  AX, K1
	SHRQ   $16, AX
	KMOVW  AX, K2
	ZERO16
	XORQ   AX, AX

s8loop:
	LEAQ       (SI)(DX*8), R13
	PREFETCHT0 (R13)
	PREFETCHT0 64(R13)
	VMOVUPS.Z  (SI), K1, Z16
	VMOVUPS.Z  64(SI), K2, Z17
	S8ROW(R8, Z20, Z0, Z1)
	S8ROW(R9, Z21, Z2, Z3)
	S8ROW(R10, Z22, Z4, Z5)
	S8ROW(R11, Z23, Z6, Z7)
	S8ROW(R12, Z20, Z8, Z9)
	S8ROW(BX, Z21, Z10, Z11)
	S8ROW(DI, Z22, Z12, Z13)
	S8ROW(R14, Z23, Z14, Z15)
	ADDQ       $4, AX
	ADDQ       DX, SI
	DECQ       CX
	JNZ        s8loop

	MOVQ         c+88(FP), DI
	MOVQ         ldc+96(FP), DX
	SHLQ         $2, DX
	MOVQ         rows+104(FP), BX
	VBROADCASTSS alpha+120(FP), Z24
	VBROADCASTSS beta+124(FP), Z25
	MOVL         beta+124(FP), AX
	ANDL         $0x7fffffff, AX
	JNZ          s8beta

	S8OUT0(Z0, Z1)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT0(Z2, Z3)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT0(Z4, Z5)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT0(Z6, Z7)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT0(Z8, Z9)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT0(Z10, Z11)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT0(Z12, Z13)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT0(Z14, Z15)
	JMP  s8done

s8beta:
	S8OUT(Z0, Z1)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT(Z2, Z3)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT(Z4, Z5)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT(Z6, Z7)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT(Z8, Z9)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT(Z10, Z11)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT(Z12, Z13)
	DECQ BX
	JZ   s8done
	ADDQ DX, DI
	S8OUT(Z14, Z15)

s8done:
	VZEROUPPER
	RET
