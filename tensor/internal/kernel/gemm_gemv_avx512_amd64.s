//go:build !purego

#include "textflag.h"
#include "zero_amd64.h"

// AVX-512F matrix–vector kernels for Gemm with m = 1 or n = 1.

// DOTSTEP(off, x, acc0..acc3): multiply-add 16 floats at off of each row by x.
#define DOTSTEP(off, x, acc0, acc1, acc2, acc3) \
	VFMADD231PS off(R8), x, acc0; \
	VFMADD231PS off(R9), x, acc1; \
	VFMADD231PS off(R10), x, acc2; \
	VFMADD231PS off(R11), x, acc3

// HSUM(z, y, x): x[0] = sum of the 16 lanes of z, in a fixed order (halves, then quarters…).
#define HSUM(z, y, x) \
	VEXTRACTF32X8 $1, z, Y15; \
	VADDPS        Y15, y, y; \
	VEXTRACTF128  $1, y, X15; \
	VADDPS        X15, x, x; \
	VMOVHLPS      x, X15, X15; \
	VADDPS        X15, x, x; \
	VMOVSHDUP     x, X15; \
	VADDSS        X15, x, x

// func gemvDot4AVX512(k int, x, r0, r1, r2, r3 *float32) (s0, s1, s2, s3 float32)
//
// s_r = Σ_p x[p]·r_r[p]. Each row has two accumulators, for the even and odd 16-float chunks
// of k (Z0–Z3 and Z4–Z7); a last partial chunk is loaded under a mask into the even ones. The
// two are added and the 16 lanes summed in the same order for every row.
//
//	DI x, R8–R11 the rows, CX floats left, Z8/Z9 chunks of x, K1 tail mask
TEXT ·gemvDot4AVX512(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), DI
	MOVQ r0+16(FP), R8
	MOVQ r1+24(FP), R9
	MOVQ r2+32(FP), R10
	MOVQ r3+40(FP), R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	CMPQ   CX, $32
	JLT    dot16

dot32:
	VMOVUPS (DI), Z8
	VMOVUPS 64(DI), Z9
	DOTSTEP(0, Z8, Z0, Z1, Z2, Z3)
	DOTSTEP(64, Z9, Z4, Z5, Z6, Z7)
	ADDQ    $128, DI
	ADDQ    $128, R8
	ADDQ    $128, R9
	ADDQ    $128, R10
	ADDQ    $128, R11
	SUBQ    $32, CX
	CMPQ    CX, $32
	JGE     dot32

dot16:
	CMPQ    CX, $16
	JLT     dottail
	VMOVUPS (DI), Z8
	DOTSTEP(0, Z8, Z0, Z1, Z2, Z3)
	ADDQ    $64, DI
	ADDQ    $64, R8
	ADDQ    $64, R9
	ADDQ    $64, R10
	ADDQ    $64, R11
	SUBQ    $16, CX

dottail:
	TESTQ     CX, CX
	JZ        dotsum
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K1
	VMOVUPS.Z (DI), K1, Z8
	VMOVUPS.Z (R8), K1, Z10
	VMOVUPS.Z (R9), K1, Z11
	VMOVUPS.Z (R10), K1, Z12
	VMOVUPS.Z (R11), K1, Z13
	VFMADD231PS Z10, Z8, Z0
	VFMADD231PS Z11, Z8, Z1
	VFMADD231PS Z12, Z8, Z2
	VFMADD231PS Z13, Z8, Z3

dotsum:
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	HSUM(Z0, Y0, X0)
	HSUM(Z1, Y1, X1)
	HSUM(Z2, Y2, X2)
	HSUM(Z3, Y3, X3)
	VMOVSS X0, s0+48(FP)
	VMOVSS X1, s1+52(FP)
	VMOVSS X2, s2+56(FP)
	VMOVSS X3, s3+60(FP)
	VZEROUPPER
	RET

// AXSTEP(off, acc): multiply-add 16 floats of the current row at off by the broadcast x[p].
#define AXSTEP(off, acc) VFMADD231PS off(SI), Z31, acc

// AXOUT0(acc, off): y[off] = alpha·acc.
#define AXOUT0(acc, off) \
	VMULPS  Z29, acc, acc; \
	VMOVUPS acc, off(DI)

// AXOUT(acc, off): y[off] = alpha·acc + beta·y[off], each product rounded.
#define AXOUT(acc, off) \
	VMULPS  Z29, acc, acc; \
	VMULPS  off(DI), Z30, Z28; \
	VADDPS  Z28, acc, acc; \
	VMOVUPS acc, off(DI)

// func gemvAxpyAVX512(k int, x, m *float32, ldm int, y *float32, n int, alpha, beta float32)
//
// y[j] = alpha·Σ_p x[p]·m[p*ldm+j] (+ beta·y[j] unless beta is zero), for j < n. Columns go in
// blocks of 256 (16 accumulators, so rows are read in 1 KiB runs), then 16, then a masked
// tail; every column is one chain of fused multiply-adds over p in order.
//
//	BX x, R8 top of the current column block of m, SI current row, DX row stride in bytes,
//	DI y block, R12 columns left, R13 rows left, R10 beta ≠ 0,
//	Z29 alpha, Z30 beta, Z31 broadcast x[p], K1 tail mask
TEXT ·gemvAxpyAVX512(SB), NOSPLIT, $0-56
	MOVQ         m+16(FP), R8
	MOVQ         ldm+24(FP), DX
	SHLQ         $2, DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), R12
	VBROADCASTSS alpha+48(FP), Z29
	VBROADCASTSS beta+52(FP), Z30
	MOVL         beta+52(FP), R10
	ANDL         $0x7fffffff, R10

ax256:
	CMPQ   R12, $256
	JLT    ax16
	ZERO16
	MOVQ   x+8(FP), BX
	MOVQ   R8, SI
	MOVQ   k+0(FP), R13

ax256row:
	VBROADCASTSS (BX), Z31
	AXSTEP(0, Z0)
	AXSTEP(64, Z1)
	AXSTEP(128, Z2)
	AXSTEP(192, Z3)
	AXSTEP(256, Z4)
	AXSTEP(320, Z5)
	AXSTEP(384, Z6)
	AXSTEP(448, Z7)
	AXSTEP(512, Z8)
	AXSTEP(576, Z9)
	AXSTEP(640, Z10)
	AXSTEP(704, Z11)
	AXSTEP(768, Z12)
	AXSTEP(832, Z13)
	AXSTEP(896, Z14)
	AXSTEP(960, Z15)
	ADDQ         $4, BX
	ADDQ         DX, SI
	DECQ         R13
	JNZ          ax256row

	TESTL R10, R10
	JZ    ax256out0
	AXOUT(Z0, 0)
	AXOUT(Z1, 64)
	AXOUT(Z2, 128)
	AXOUT(Z3, 192)
	AXOUT(Z4, 256)
	AXOUT(Z5, 320)
	AXOUT(Z6, 384)
	AXOUT(Z7, 448)
	AXOUT(Z8, 512)
	AXOUT(Z9, 576)
	AXOUT(Z10, 640)
	AXOUT(Z11, 704)
	AXOUT(Z12, 768)
	AXOUT(Z13, 832)
	AXOUT(Z14, 896)
	AXOUT(Z15, 960)
	JMP   ax256next

ax256out0:
	AXOUT0(Z0, 0)
	AXOUT0(Z1, 64)
	AXOUT0(Z2, 128)
	AXOUT0(Z3, 192)
	AXOUT0(Z4, 256)
	AXOUT0(Z5, 320)
	AXOUT0(Z6, 384)
	AXOUT0(Z7, 448)
	AXOUT0(Z8, 512)
	AXOUT0(Z9, 576)
	AXOUT0(Z10, 640)
	AXOUT0(Z11, 704)
	AXOUT0(Z12, 768)
	AXOUT0(Z13, 832)
	AXOUT0(Z14, 896)
	AXOUT0(Z15, 960)

ax256next:
	ADDQ $1024, R8
	ADDQ $1024, DI
	SUBQ $256, R12
	JMP  ax256

ax16:
	CMPQ   R12, $16
	JLT    axtail
	VPXORD Z0, Z0, Z0
	MOVQ   x+8(FP), BX
	MOVQ   R8, SI
	MOVQ   k+0(FP), R13

ax16row:
	VBROADCASTSS (BX), Z31
	AXSTEP(0, Z0)
	ADDQ         $4, BX
	ADDQ         DX, SI
	DECQ         R13
	JNZ          ax16row
	TESTL        R10, R10
	JZ           ax16out0
	AXOUT(Z0, 0)
	JMP          ax16next

ax16out0:
	AXOUT0(Z0, 0)

ax16next:
	ADDQ $64, R8
	ADDQ $64, DI
	SUBQ $16, R12
	JMP  ax16

axtail:
	TESTQ  R12, R12
	JZ     axdone
	MOVL   $1, AX
	MOVQ   R12, CX
	SHLL   CX, AX
	DECL   AX
	KMOVW  AX, K1
	VPXORD Z0, Z0, Z0
	MOVQ   x+8(FP), BX
	MOVQ   R8, SI
	MOVQ   k+0(FP), R13

axtailrow:
	VBROADCASTSS (BX), Z31
	VMOVUPS.Z    (SI), K1, Z1
	VFMADD231PS  Z1, Z31, Z0
	ADDQ         $4, BX
	ADDQ         DX, SI
	DECQ         R13
	JNZ          axtailrow
	VMULPS       Z29, Z0, Z0
	TESTL        R10, R10
	JZ           axtailout
	VMOVUPS.Z    (DI), K1, Z1
	VMULPS       Z1, Z30, Z1
	VADDPS       Z1, Z0, Z0

axtailout:
	VMOVUPS Z0, K1, (DI)

axdone:
	VZEROUPPER
	RET

// ACC4(off): acc[off] += x0·r0[off] + x1·r1[off] + x2·r2[off] + x3·r3[off], as four fused
// multiply-adds in order of the rows.
#define ACC4(off, z) \
	VMOVUPS     off(DI), z; \
	VFMADD231PS off(R8), Z28, z; \
	VFMADD231PS off(R9), Z29, z; \
	VFMADD231PS off(R10), Z30, z; \
	VFMADD231PS off(R11), Z31, z; \
	VMOVUPS     z, off(DI)

// func gemvAccRowsAVX512(k int, x, m *float32, ldm int, acc *float32, n int)
//
// acc[j] += Σ_p x[p]·m[p*ldm+j] for j < n, each column one chain of fused multiply-adds over p
// in order. Rows go four at a time across the whole width, so B streams through as four
// sequential rows (the prefetchers' favourite pattern) while acc stays in L1.
//
//	BX x, R8–R11 rows p..p+3 (R14 saves R8), DX row stride in bytes, R13 rows left, DI acc,
//	SI columns left,
//	Z28–Z31 x[p..p+3] broadcast, K1 tail mask, R12 n
TEXT ·gemvAccRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ  x+8(FP), BX
	MOVQ  m+16(FP), R8
	MOVQ  ldm+24(FP), DX
	SHLQ  $2, DX
	MOVQ  n+40(FP), R12
	MOVQ  R12, CX
	ANDQ  $15, CX
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	MOVQ  k+0(FP), R13

acc4rows:
	CMPQ R13, $4
	JLT  acc1rows
	LEAQ (R8)(DX*1), R9
	LEAQ (R8)(DX*2), R10
	LEAQ (R9)(DX*2), R11
	VBROADCASTSS (BX), Z28
	VBROADCASTSS 4(BX), Z29
	VBROADCASTSS 8(BX), Z30
	VBROADCASTSS 12(BX), Z31
	MOVQ acc+32(FP), DI
	MOVQ R12, SI
	MOVQ R8, R14

acc4x64:
	CMPQ SI, $64
	JLT  acc4x16
	ACC4(0, Z0)
	ACC4(64, Z1)
	ACC4(128, Z2)
	ACC4(192, Z3)
	ADDQ $256, DI
	ADDQ $256, R8
	ADDQ $256, R9
	ADDQ $256, R10
	ADDQ $256, R11
	SUBQ $64, SI
	JMP  acc4x64

acc4x16:
	CMPQ SI, $16
	JLT  acc4tail
	ACC4(0, Z0)
	ADDQ $64, DI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ $64, R11
	SUBQ $16, SI
	JMP  acc4x16

acc4tail:
	TESTQ       SI, SI
	JZ          acc4next
	VMOVUPS.Z   (DI), K1, Z0
	VMOVUPS.Z   (R8), K1, Z4
	VMOVUPS.Z   (R9), K1, Z5
	VMOVUPS.Z   (R10), K1, Z6
	VMOVUPS.Z   (R11), K1, Z7
	VFMADD231PS Z4, Z28, Z0
	VFMADD231PS Z5, Z29, Z0
	VFMADD231PS Z6, Z30, Z0
	VFMADD231PS Z7, Z31, Z0
	VMOVUPS     Z0, K1, (DI)

acc4next:
	MOVQ R14, R8
	LEAQ (R8)(DX*4), R8
	ADDQ $16, BX
	SUBQ $4, R13
	JMP  acc4rows

acc1rows:
	TESTQ R13, R13
	JZ    accdone
	VBROADCASTSS (BX), Z28
	MOVQ  acc+32(FP), DI
	MOVQ  R12, SI
	MOVQ  R8, R9

acc1x16:
	CMPQ        SI, $16
	JLT         acc1tail
	VMOVUPS     (DI), Z0
	VFMADD231PS (R9), Z28, Z0
	VMOVUPS     Z0, (DI)
	ADDQ        $64, DI
	ADDQ        $64, R9
	SUBQ        $16, SI
	JMP         acc1x16

acc1tail:
	TESTQ       SI, SI
	JZ          acc1next
	VMOVUPS.Z   (DI), K1, Z0
	VMOVUPS.Z   (R9), K1, Z4
	VFMADD231PS Z4, Z28, Z0
	VMOVUPS     Z0, K1, (DI)

acc1next:
	ADDQ DX, R8
	ADDQ $4, BX
	DECQ R13
	JMP  acc1rows

accdone:
	VZEROUPPER
	RET
