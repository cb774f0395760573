//go:build !purego

#include "textflag.h"
#include "zero_amd64.h"

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

// KSTEP8(a, b0, b1): one rank-1 update of the first eight tile rows from A values at a(SI)
// and the B row at b0, b1.
#define KSTEP8(a, b0, b1) \
	VMOVUPS b0, Z28; \
	VMOVUPS b1, Z29; \
	ROW(a+0, Z0, Z1); \
	ROW(a+4, Z2, Z3); \
	ROW(a+8, Z4, Z5); \
	ROW(a+12, Z6, Z7); \
	ROW(a+16, Z8, Z9); \
	ROW(a+20, Z10, Z11); \
	ROW(a+24, Z12, Z13); \
	ROW(a+28, Z14, Z15)

// KSTEP(a, b0, b1): one rank-1 update of all fourteen tile rows.
#define KSTEP(a, b0, b1) \
	KSTEP8(a, b0, b1); \
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

// PREFC: prefetch the 14×32 tile of C (two lines per row) so that its write-back, which
// reads C unless beta is zero and always owns the lines, does not wait on memory.
#define PREFC \
	MOVQ       c+32(FP), R8; \
	MOVQ       ldc+40(FP), R9; \
	SHLQ       $2, R9; \
	PREFCROW; PREFCROW; PREFCROW; PREFCROW; PREFCROW; PREFCROW; PREFCROW; \
	PREFCROW; PREFCROW; PREFCROW; PREFCROW; PREFCROW; PREFCROW; PREFCROW

#define PREFCROW \
	PREFETCHT0 (R8); \
	PREFETCHT0 64(R8); \
	ADDQ       R9, R8

// STORE8 and STORE08 write the first eight tile rows with STORE and STORE0.
#define STORE8 \
	STORE(Z0, Z1); \
	STORE(Z2, Z3); \
	STORE(Z4, Z5); \
	STORE(Z6, Z7); \
	STORE(Z8, Z9); \
	STORE(Z10, Z11); \
	STORE(Z12, Z13); \
	STORE(Z14, Z15)

#define STORE08 \
	STORE0(Z0, Z1); \
	STORE0(Z2, Z3); \
	STORE0(Z4, Z5); \
	STORE0(Z6, Z7); \
	STORE0(Z8, Z9); \
	STORE0(Z10, Z11); \
	STORE0(Z12, Z13); \
	STORE0(Z14, Z15)

// WRITEBACK(zerobeta) loads C's address and row stride (R8, R9) and alpha (Z30) for the
// write-back of gemmMicro14x32AVX512 and gemmMicro8x32AVX512, and jumps to zerobeta when beta
// is ±0; otherwise it loads beta (Z31).
#define WRITEBACK(zerobeta) \
	MOVQ         c+32(FP), R8; \
	MOVQ         ldc+40(FP), R9; \
	SHLQ         $2, R9; \
	VBROADCASTSS alpha+48(FP), Z30; \
	MOVL         beta+52(FP), AX; \
	ANDL         $0x7fffffff, AX; \
	JZ           zerobeta; \
	VBROADCASTSS beta+52(FP), Z31

// STRIDEDARGS loads the arguments the strided kernels share: R10, R11, R12 rows 0, 5 and 10 of
// A, AX = ars and BX = 3·ars in bytes, R13 = aps in bytes, DI = b and DX = bs in bytes.
#define STRIDEDARGS \
	MOVQ a+8(FP), R10; \
	MOVQ ars+16(FP), AX; \
	SHLQ $2, AX; \
	LEAQ (AX)(AX*2), BX; \
	LEAQ (R10)(AX*4), R11; \
	ADDQ AX, R11; \
	LEAQ (R11)(AX*4), R12; \
	ADDQ AX, R12; \
	MOVQ aps+24(FP), R13; \
	SHLQ $2, R13; \
	MOVQ b+32(FP), DI; \
	MOVQ bs+40(FP), DX; \
	SHLQ $2, DX

// STRIDEDWB starts a strided kernel's write-back: R8 = c, R9 = ldc in bytes, Z30 = alpha, and
// the flags of beta's magnitude (zero when beta is ±0).
#define STRIDEDWB \
	MOVQ         c+48(FP), R8; \
	MOVQ         ldc+56(FP), R9; \
	SHLQ         $2, R9; \
	VBROADCASTSS alpha+64(FP), Z30; \
	MOVL         beta+68(FP), AX; \
	ANDL         $0x7fffffff, AX

// func gemmMicro14x32AVX512(k int, a, b *float32, bs int, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmMicro14x32AVX512(SB), NOSPLIT, $0-56
	PREFC
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ bs+24(FP), DX
	SHLQ $2, DX

	ZERO16
	ZERO_Z16_Z23
	ZERO_Z24_Z27

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
	WRITEBACK(store0)
	STORE8
	STORE(Z16, Z17)
	STORE(Z18, Z19)
	STORE(Z20, Z21)
	STORE(Z22, Z23)
	STORE(Z24, Z25)
	STORE(Z26, Z27)
	VZEROUPPER
	RET

store0:
	STORE08
	STORE0(Z16, Z17)
	STORE0(Z18, Z19)
	STORE0(Z20, Z21)
	STORE0(Z22, Z23)
	STORE0(Z24, Z25)
	STORE0(Z26, Z27)
	VZEROUPPER
	RET

// func gemmMicro8x32AVX512(k int, a, b *float32, bs int, c *float32, ldc int, alpha, beta float32)
//
// gemmMicro14x32AVX512 for the first eight rows of a packed 14-row panel (the last panel of a
// product whose m leaves eight rows or fewer after the full panels): the same chains and
// write-back, in 16 accumulators.
TEXT ·gemmMicro8x32AVX512(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ bs+24(FP), DX
	SHLQ $2, DX

	ZERO16

	MOVQ CX, BX
	SHRQ $1, BX
	JZ   tail8

loop8:
	KSTEP8(0, (DI), 64(DI))
	KSTEP8(56, (DI)(DX*1), 64(DI)(DX*1))
	ADDQ $112, SI
	LEAQ (DI)(DX*2), DI
	DECQ BX
	JNZ  loop8

tail8:
	TESTQ $1, CX
	JZ    store8
	KSTEP8(0, (DI), 64(DI))

store8:
	WRITEBACK(store80)
	STORE8
	VZEROUPPER
	RET

store80:
	STORE08
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

// The same 14×32 micro-kernel reading A in place: A value (row r, step p) is at
// a + r·ars + p·aps floats, which covers an untransposed A (ars = lda, aps = 1) and a
// transposed one (ars = 1, aps = lda) without packing. Used for small products, where packing
// A would cost as much as the arithmetic.
//
//	R10, R11, R12  rows 0, 5 and 10 at the current step; AX = ars and BX = 3·ars in bytes
//	               reach the rest: base, base+AX, base+2AX, base+BX, base+4AX
//	R13  aps in bytes; DI, DX, CX, Z0–Z31 as in gemmMicro14x32AVX512

#define SROW(addr, acc0, acc1) \
	VBROADCASTSS addr, Z30; \
	VFMADD231PS  Z28, Z30, acc0; \
	VFMADD231PS  Z29, Z30, acc1

#define SKSTEP \
	VMOVUPS (DI), Z28; \
	VMOVUPS 64(DI), Z29; \
	SROW((R10), Z0, Z1); \
	SROW((R10)(AX*1), Z2, Z3); \
	SROW((R10)(AX*2), Z4, Z5); \
	SROW((R10)(BX*1), Z6, Z7); \
	SROW((R10)(AX*4), Z8, Z9); \
	SROW((R11), Z10, Z11); \
	SROW((R11)(AX*1), Z12, Z13); \
	SROW((R11)(AX*2), Z14, Z15); \
	SROW((R11)(BX*1), Z16, Z17); \
	SROW((R11)(AX*4), Z18, Z19); \
	SROW((R12), Z20, Z21); \
	SROW((R12)(AX*1), Z22, Z23); \
	SROW((R12)(AX*2), Z24, Z25); \
	SROW((R12)(BX*1), Z26, Z27); \
	ADDQ R13, R10; \
	ADDQ R13, R11; \
	ADDQ R13, R12; \
	ADDQ DX, DI

// func gemmMicro14x32StridedAVX512(k int, a *float32, ars, aps int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmMicro14x32StridedAVX512(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	STRIDEDARGS

	ZERO16
	ZERO_Z16_Z23
	ZERO_Z24_Z27

sloop:
	SKSTEP
	DECQ CX
	JNZ  sloop

	STRIDEDWB
	JZ           sstore0
	VBROADCASTSS beta+68(FP), Z31
	STORE8
	STORE(Z16, Z17)
	STORE(Z18, Z19)
	STORE(Z20, Z21)
	STORE(Z22, Z23)
	STORE(Z24, Z25)
	STORE(Z26, Z27)
	VZEROUPPER
	RET

sstore0:
	STORE08
	STORE0(Z16, Z17)
	STORE0(Z18, Z19)
	STORE0(Z20, Z21)
	STORE0(Z22, Z23)
	STORE0(Z24, Z25)
	STORE0(Z26, Z27)
	VZEROUPPER
	RET

// func gemmPackT16AVX512(blocks int, src *float32, ld int, dst *float32, width, rows, lanes int)
//
// Transposing pack of up to 16 rows: for each of blocks groups of 16 steps, loads 16 floats
// from each row r < rows of src (rows ld floats apart; missing rows read as zero), transposes
// the 16×16 block in registers and stores lanes [0, lanes) of each of the 16 columns to dst,
// width floats apart. dst[p*width+r] = src[r*ld+p] for r < rows, 0 for rows ≤ r < lanes.
//
//	R10–R13 rows 0, 5, 10 and 15; AX = ld and BX = 3·ld in bytes; R14 rows; R8 = width in
//	bytes; K1 store mask; CX blocks left; Z0–Z15 rows, Z16–Z31 intermediate results.
//	The transpose: unpack pairs of rows (ps), pairs of those (pd), then two rounds of
//	128-bit lane shuffles.

#define TLOAD(cnt, addr, reg) \
	CMPQ    R14, $cnt; \
	JLE     loaded; \
	VMOVUPS addr, reg

TEXT ·gemmPackT16AVX512(SB), NOSPLIT, $0-56
	MOVQ blocks+0(FP), CX
	MOVQ src+8(FP), R10
	MOVQ ld+16(FP), AX
	SHLQ $2, AX
	LEAQ (AX)(AX*2), BX
	LEAQ (R10)(AX*4), R11
	ADDQ AX, R11
	LEAQ (R11)(AX*4), R12
	ADDQ AX, R12
	LEAQ (R12)(AX*4), R13
	ADDQ AX, R13
	MOVQ dst+24(FP), DI
	MOVQ width+32(FP), R8
	SHLQ $2, R8
	MOVQ rows+40(FP), R14
	MOVQ lanes+48(FP), DX
	MOVQ CX, R9
	MOVQ DX, CX
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K1
	MOVQ R9, CX
	TESTQ CX, CX
	JZ   tdone

tblock:
	ZERO16
	TLOAD(0, (R10), Z0)
	TLOAD(1, (R10)(AX*1), Z1)
	TLOAD(2, (R10)(AX*2), Z2)
	TLOAD(3, (R10)(BX*1), Z3)
	TLOAD(4, (R10)(AX*4), Z4)
	TLOAD(5, (R11), Z5)
	TLOAD(6, (R11)(AX*1), Z6)
	TLOAD(7, (R11)(AX*2), Z7)
	TLOAD(8, (R11)(BX*1), Z8)
	TLOAD(9, (R11)(AX*4), Z9)
	TLOAD(10, (R12), Z10)
	TLOAD(11, (R12)(AX*1), Z11)
	TLOAD(12, (R12)(AX*2), Z12)
	TLOAD(13, (R12)(BX*1), Z13)
	TLOAD(14, (R12)(AX*4), Z14)
	TLOAD(15, (R13), Z15)

loaded:
	// Pairs of rows: Z16+2i = lo(r2i, r2i+1), Z17+2i = hi(r2i, r2i+1).
	VUNPCKLPS Z1, Z0, Z16
	VUNPCKHPS Z1, Z0, Z17
	VUNPCKLPS Z3, Z2, Z18
	VUNPCKHPS Z3, Z2, Z19
	VUNPCKLPS Z5, Z4, Z20
	VUNPCKHPS Z5, Z4, Z21
	VUNPCKLPS Z7, Z6, Z22
	VUNPCKHPS Z7, Z6, Z23
	VUNPCKLPS Z9, Z8, Z24
	VUNPCKHPS Z9, Z8, Z25
	VUNPCKLPS Z11, Z10, Z26
	VUNPCKHPS Z11, Z10, Z27
	VUNPCKLPS Z13, Z12, Z28
	VUNPCKHPS Z13, Z12, Z29
	VUNPCKLPS Z15, Z14, Z30
	VUNPCKHPS Z15, Z14, Z31

	// Groups of four rows: Z(4g+c) holds rows 4g..4g+3 of steps c, 4+c, 8+c, 12+c.
	VUNPCKLPD Z18, Z16, Z0
	VUNPCKHPD Z18, Z16, Z1
	VUNPCKLPD Z19, Z17, Z2
	VUNPCKHPD Z19, Z17, Z3
	VUNPCKLPD Z22, Z20, Z4
	VUNPCKHPD Z22, Z20, Z5
	VUNPCKLPD Z23, Z21, Z6
	VUNPCKHPD Z23, Z21, Z7
	VUNPCKLPD Z26, Z24, Z8
	VUNPCKHPD Z26, Z24, Z9
	VUNPCKLPD Z27, Z25, Z10
	VUNPCKHPD Z27, Z25, Z11
	VUNPCKLPD Z30, Z28, Z12
	VUNPCKHPD Z30, Z28, Z13
	VUNPCKLPD Z31, Z29, Z14
	VUNPCKHPD Z31, Z29, Z15

	// Lane shuffles, round one: rows 0–7 (Z16–Z23) and 8–15 (Z24–Z31), steps {c, 4+c} then
	// {8+c, 12+c}.
	VSHUFF32X4 $0x44, Z4, Z0, Z16
	VSHUFF32X4 $0xEE, Z4, Z0, Z17
	VSHUFF32X4 $0x44, Z12, Z8, Z18
	VSHUFF32X4 $0xEE, Z12, Z8, Z19
	VSHUFF32X4 $0x44, Z5, Z1, Z20
	VSHUFF32X4 $0xEE, Z5, Z1, Z21
	VSHUFF32X4 $0x44, Z13, Z9, Z22
	VSHUFF32X4 $0xEE, Z13, Z9, Z23
	VSHUFF32X4 $0x44, Z6, Z2, Z24
	VSHUFF32X4 $0xEE, Z6, Z2, Z25
	VSHUFF32X4 $0x44, Z14, Z10, Z26
	VSHUFF32X4 $0xEE, Z14, Z10, Z27
	VSHUFF32X4 $0x44, Z7, Z3, Z28
	VSHUFF32X4 $0xEE, Z7, Z3, Z29
	VSHUFF32X4 $0x44, Z15, Z11, Z30
	VSHUFF32X4 $0xEE, Z15, Z11, Z31

	// Round two: Z(step) = all 16 rows of one step.
	VSHUFF32X4 $0x88, Z18, Z16, Z0
	VSHUFF32X4 $0xDD, Z18, Z16, Z4
	VSHUFF32X4 $0x88, Z19, Z17, Z8
	VSHUFF32X4 $0xDD, Z19, Z17, Z12
	VSHUFF32X4 $0x88, Z22, Z20, Z1
	VSHUFF32X4 $0xDD, Z22, Z20, Z5
	VSHUFF32X4 $0x88, Z23, Z21, Z9
	VSHUFF32X4 $0xDD, Z23, Z21, Z13
	VSHUFF32X4 $0x88, Z26, Z24, Z2
	VSHUFF32X4 $0xDD, Z26, Z24, Z6
	VSHUFF32X4 $0x88, Z27, Z25, Z10
	VSHUFF32X4 $0xDD, Z27, Z25, Z14
	VSHUFF32X4 $0x88, Z30, Z28, Z3
	VSHUFF32X4 $0xDD, Z30, Z28, Z7
	VSHUFF32X4 $0x88, Z31, Z29, Z11
	VSHUFF32X4 $0xDD, Z31, Z29, Z15

	VMOVUPS Z0, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z1, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z2, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z3, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z4, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z5, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z6, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z7, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z8, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z9, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z10, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z11, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z12, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z13, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z14, K1, (DI)
	ADDQ    R8, DI
	VMOVUPS Z15, K1, (DI)
	ADDQ    R8, DI

	ADDQ $64, R10
	ADDQ $64, R11
	ADDQ $64, R12
	ADDQ $64, R13
	DECQ CX
	JNZ  tblock

tdone:
	VZEROUPPER
	RET

// func gemmMicro14x16NarrowAVX512(k int, a *float32, ars, aps int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, cols int)
//
// A 14×16 tile for products of at most 16 columns, reading A in place as the strided kernel
// does and B's rows (cols ≤ 16 values, bs floats apart) under a mask: one zmm accumulator per
// tile row, one broadcast and one FMA per row and step, and the write-back of the 14×32
// kernels (each product rounded, then the sum) on the first cols columns of each C row.
//
//	R10, R11, R12, AX, BX, R13 as in the strided kernel; DI B row, DX = bs in bytes; CX steps
//	left; K1 the column mask; Z0–Z13 rows; Z14 B row; Z15 broadcast; Z28 C row; Z30 alpha;
//	Z31 beta.

#define NROW(addr, acc) \
	VBROADCASTSS addr, Z15; \
	VFMADD231PS  Z14, Z15, acc

#define NKSTEP \
	VMOVUPS.Z (DI), K1, Z14; \
	NROW((R10), Z0); \
	NROW((R10)(AX*1), Z1); \
	NROW((R10)(AX*2), Z2); \
	NROW((R10)(BX*1), Z3); \
	NROW((R10)(AX*4), Z4); \
	NROW((R11), Z5); \
	NROW((R11)(AX*1), Z6); \
	NROW((R11)(AX*2), Z7); \
	NROW((R11)(BX*1), Z8); \
	NROW((R11)(AX*4), Z9); \
	NROW((R12), Z10); \
	NROW((R12)(AX*1), Z11); \
	NROW((R12)(AX*2), Z12); \
	NROW((R12)(BX*1), Z13); \
	ADDQ R13, R10; \
	ADDQ R13, R11; \
	ADDQ R13, R12; \
	ADDQ DX, DI

// NSTORE0(acc): C row = alpha·acc; next row. NSTORE(acc): C row = alpha·acc + beta·C.
#define NSTORE0(acc) \
	VMULPS  Z30, acc, acc; \
	VMOVUPS acc, K1, (R8); \
	ADDQ    R9, R8

#define NSTORE(acc) \
	VMULPS    Z30, acc, acc; \
	VMOVUPS.Z (R8), K1, Z28; \
	VMULPS    Z28, Z31, Z28; \
	VADDPS    Z28, acc, acc; \
	VMOVUPS   acc, K1, (R8); \
	ADDQ      R9, R8

TEXT ·gemmMicro14x16NarrowAVX512(SB), NOSPLIT, $0-80
	MOVQ cols+72(FP), CX
	MOVL $1, R9
	SHLL CX, R9
	DECL R9
	KMOVW R9, K1
	MOVQ k+0(FP), CX
	STRIDEDARGS

	ZERO16

nloop:
	NKSTEP
	DECQ CX
	JNZ  nloop

	STRIDEDWB
	JZ           nstore0
	VBROADCASTSS beta+68(FP), Z31
	NSTORE(Z0)
	NSTORE(Z1)
	NSTORE(Z2)
	NSTORE(Z3)
	NSTORE(Z4)
	NSTORE(Z5)
	NSTORE(Z6)
	NSTORE(Z7)
	NSTORE(Z8)
	NSTORE(Z9)
	NSTORE(Z10)
	NSTORE(Z11)
	NSTORE(Z12)
	NSTORE(Z13)
	VZEROUPPER
	RET

nstore0:
	NSTORE0(Z0)
	NSTORE0(Z1)
	NSTORE0(Z2)
	NSTORE0(Z3)
	NSTORE0(Z4)
	NSTORE0(Z5)
	NSTORE0(Z6)
	NSTORE0(Z7)
	NSTORE0(Z8)
	NSTORE0(Z9)
	NSTORE0(Z10)
	NSTORE0(Z11)
	NSTORE0(Z12)
	NSTORE0(Z13)
	VZEROUPPER
	RET
