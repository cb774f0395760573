//go:build !purego

#include "textflag.h"

// AVX-512F micro-kernel for Gemm: a 14×32 tile of C in 28 zmm accumulators.
//
// Registers:
//	SI   packed A panel: 14 floats per k step (one per tile row), broadcast one at a time
//	DI   B panel: 32 floats per k step (two zmm), rows DX bytes apart
//	DX   B row stride in bytes
//	CX   k steps left
//	Z0–Z27   accumulators: tile row r is Z(2r) (columns 0–15) and Z(2r+1) (columns 16–31)
//	Z28, Z29 the current B row
//	Z30      the broadcast A value; alpha at write-back
//	Z31      beta at write-back
//
// Every accumulator is one chain of fused multiply-adds over k, in order, from zero.

// ROW(aoff, acc0, acc1): broadcast A value at aoff(SI), multiply-add into one tile row.
#define ROW(aoff, acc0, acc1) \
	VBROADCASTSS aoff(SI), Z30; \
	VFMADD231PS  Z28, Z30, acc0; \
	VFMADD231PS  Z29, Z30, acc1

// KSTEP(a, b0, b1): one rank-1 update from A values at a(SI) and the B row at b0, b1.
#define KSTEP(a, b0, b1) \
	VMOVUPS b0, Z28; \
	VMOVUPS b1, Z29; \
	ROW(a+0, Z0, Z1); \
	ROW(a+4, Z2, Z3); \
	ROW(a+8, Z4, Z5); \
	ROW(a+12, Z6, Z7); \
	ROW(a+16, Z8, Z9); \
	ROW(a+20, Z10, Z11); \
	ROW(a+24, Z12, Z13); \
	ROW(a+28, Z14, Z15); \
	ROW(a+32, Z16, Z17); \
	ROW(a+36, Z18, Z19); \
	ROW(a+40, Z20, Z21); \
	ROW(a+44, Z22, Z23); \
	ROW(a+48, Z24, Z25); \
	ROW(a+52, Z26, Z27)

// STORE0(acc0, acc1): C row = alpha·acc; next row.
#define STORE0(acc0, acc1) \
	VMULPS  Z30, acc0, acc0; \
	VMULPS  Z30, acc1, acc1; \
	VMOVUPS acc0, (R8); \
	VMOVUPS acc1, 64(R8); \
	ADDQ    R9, R8

// STORE(acc0, acc1): C row = alpha·acc + beta·C, each product rounded; next row.
#define STORE(acc0, acc1) \
	VMULPS  Z30, acc0, acc0; \
	VMULPS  Z30, acc1, acc1; \
	VMULPS  (R8), Z31, Z28; \
	VMULPS  64(R8), Z31, Z29; \
	VADDPS  Z28, acc0, acc0; \
	VADDPS  Z29, acc1, acc1; \
	VMOVUPS acc0, (R8); \
	VMOVUPS acc1, 64(R8); \
	ADDQ    R9, R8

// func gemmMicro14x32AVX512(k int, a, b *float32, bs int, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmMicro14x32AVX512(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ bs+24(FP), DX
	SHLQ $2, DX

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27

	// Two k steps per iteration, then a last single step if k is odd.
	MOVQ CX, BX
	SHRQ $1, BX
	JZ   tail

loop2:
	PREFETCHT0 448(SI)
	KSTEP(0, (DI), 64(DI))
	KSTEP(56, (DI)(DX*1), 64(DI)(DX*1))
	ADDQ $112, SI
	LEAQ (DI)(DX*2), DI
	DECQ BX
	JNZ  loop2

tail:
	TESTQ $1, CX
	JZ    store
	KSTEP(0, (DI), 64(DI))

store:
	MOVQ         c+32(FP), R8
	MOVQ         ldc+40(FP), R9
	SHLQ         $2, R9
	VBROADCASTSS alpha+48(FP), Z30
	MOVL         beta+52(FP), AX
	ANDL         $0x7fffffff, AX
	JZ           store0
	VBROADCASTSS beta+52(FP), Z31
	STORE(Z0, Z1)
	STORE(Z2, Z3)
	STORE(Z4, Z5)
	STORE(Z6, Z7)
	STORE(Z8, Z9)
	STORE(Z10, Z11)
	STORE(Z12, Z13)
	STORE(Z14, Z15)
	STORE(Z16, Z17)
	STORE(Z18, Z19)
	STORE(Z20, Z21)
	STORE(Z22, Z23)
	STORE(Z24, Z25)
	STORE(Z26, Z27)
	VZEROUPPER
	RET

store0:
	STORE0(Z0, Z1)
	STORE0(Z2, Z3)
	STORE0(Z4, Z5)
	STORE0(Z6, Z7)
	STORE0(Z8, Z9)
	STORE0(Z10, Z11)
	STORE0(Z12, Z13)
	STORE0(Z14, Z15)
	STORE0(Z16, Z17)
	STORE0(Z18, Z19)
	STORE0(Z20, Z21)
	STORE0(Z22, Z23)
	STORE0(Z24, Z25)
	STORE0(Z26, Z27)
	VZEROUPPER
	RET

// Lane numbers 0–15, for building gather indices.
DATA gemmIota16<>+0(SB)/4, $0
DATA gemmIota16<>+4(SB)/4, $1
DATA gemmIota16<>+8(SB)/4, $2
DATA gemmIota16<>+12(SB)/4, $3
DATA gemmIota16<>+16(SB)/4, $4
DATA gemmIota16<>+20(SB)/4, $5
DATA gemmIota16<>+24(SB)/4, $6
DATA gemmIota16<>+28(SB)/4, $7
DATA gemmIota16<>+32(SB)/4, $8
DATA gemmIota16<>+36(SB)/4, $9
DATA gemmIota16<>+40(SB)/4, $10
DATA gemmIota16<>+44(SB)/4, $11
DATA gemmIota16<>+48(SB)/4, $12
DATA gemmIota16<>+52(SB)/4, $13
DATA gemmIota16<>+56(SB)/4, $14
DATA gemmIota16<>+60(SB)/4, $15
GLOBL gemmIota16<>(SB), RODATA|NOPTR, $64

// func gemmPackRowsAVX512(kb int, src *float32, ld int, dst *float32, rows, width int)
//
// Interleaves rows r < rows (≤ width ≤ 32) of src, ld floats apart, into dst:
// dst[p*width+r] = src[r*ld+p] for p < kb, and dst[p*width+r] = 0 for rows ≤ r < width.
// Each k step gathers one column of the rows (two gathers when width > 16).
//
//	SI src column p, DI dst row p, CX steps left, R8 dst row bytes
//	Z31/Z30 dword indices r·ld of lanes 0–15 / 16–31
//	K1/K3 gather masks (rows present), K5/K6 store masks (width)
TEXT ·gemmPackRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ kb+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ dst+24(FP), DI
	MOVQ width+40(FP), R8

	// Index vectors: lane i holds i·ld (low) and (16+i)·ld (high).
	MOVQ         ld+16(FP), AX
	VPBROADCASTD AX, Z29
	VMOVDQU32    gemmIota16<>(SB), Z31
	VPMULLD      Z29, Z31, Z31
	SHLQ         $4, AX
	VPBROADCASTD AX, Z28
	VPADDD       Z28, Z31, Z30

	// Masks from rows and width: low 16 lanes and high 16 lanes.
	MOVQ  rows+32(FP), CX
	MOVL  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K1
	SHRQ  $16, AX
	KMOVW AX, K3
	MOVQ  R8, CX
	MOVL  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K5
	SHRQ  $16, AX
	KMOVW AX, K6
	SHLQ  $2, R8
	MOVQ  kb+0(FP), CX
	TESTQ CX, CX
	JZ    done
	CMPQ  R8, $64
	JG    wide

narrow:
	VPXORD     Z0, Z0, Z0
	KMOVW      K1, K2
	VGATHERDPS (SI)(Z31*4), K2, Z0
	VMOVUPS    Z0, K5, (DI)
	ADDQ       $4, SI
	ADDQ       R8, DI
	DECQ       CX
	JNZ        narrow
	JMP        done

wide:
	VPXORD     Z0, Z0, Z0
	VPXORD     Z1, Z1, Z1
	KMOVW      K1, K2
	KMOVW      K3, K4
	VGATHERDPS (SI)(Z31*4), K2, Z0
	VGATHERDPS (SI)(Z30*4), K4, Z1
	VMOVUPS    Z0, K5, (DI)
	VMOVUPS    Z1, K6, 64(DI)
	ADDQ       $4, SI
	ADDQ       R8, DI
	DECQ       CX
	JNZ        wide

done:
	VZEROUPPER
	RET
