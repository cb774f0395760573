//go:build !purego

#include "textflag.h"

// AVX2+FMA matrix–vector kernels for Gemm with m = 1 or n = 1 (ymm twins of the AVX-512 ones).

// Lane numbers 0–7, for building tail masks.
DATA gemvIota8<>+0(SB)/4, $0
DATA gemvIota8<>+4(SB)/4, $1
DATA gemvIota8<>+8(SB)/4, $2
DATA gemvIota8<>+12(SB)/4, $3
DATA gemvIota8<>+16(SB)/4, $4
DATA gemvIota8<>+20(SB)/4, $5
DATA gemvIota8<>+24(SB)/4, $6
DATA gemvIota8<>+28(SB)/4, $7
GLOBL gemvIota8<>(SB), RODATA|NOPTR, $32

// TAILMASK(n, tmp, mask): mask lanes i < n (n in a general register, 0 < n < 8) all ones.
#define TAILMASK(n, tmp, mask) \
	MOVQ         n, X15; \
	VPBROADCASTD X15, tmp; \
	VMOVDQU      gemvIota8<>(SB), mask; \
	VPCMPGTD     mask, tmp, mask

#define DOTSTEP8(off, x, acc0, acc1, acc2, acc3) \
	VFMADD231PS off(R8), x, acc0; \
	VFMADD231PS off(R9), x, acc1; \
	VFMADD231PS off(R10), x, acc2; \
	VFMADD231PS off(R11), x, acc3

// HSUM8(y, x): x[0] = sum of the 8 lanes of y, in a fixed order.
#define HSUM8(y, x) \
	VEXTRACTF128 $1, y, X15; \
	VADDPS       X15, x, x; \
	VMOVHLPS     x, X15, X15; \
	VADDPS       X15, x, x; \
	VMOVSHDUP    x, X15; \
	VADDSS       X15, x, x

// func gemvDot4AVX2(k int, x, r0, r1, r2, r3 *float32) (s0, s1, s2, s3 float32)
//
// As gemvDot4AVX512 with 8-float chunks: even chunks in Y0–Y3, odd in Y4–Y7, a masked last
// partial chunk in the even ones; the two added and the lanes summed in the same order for
// every row.
TEXT ·gemvDot4AVX2(SB), NOSPLIT, $0-64
	MOVQ   k+0(FP), CX
	MOVQ   x+8(FP), DI
	MOVQ   r0+16(FP), R8
	MOVQ   r1+24(FP), R9
	MOVQ   r2+32(FP), R10
	MOVQ   r3+40(FP), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CMPQ   CX, $16
	JLT    dot8

dot16:
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	DOTSTEP8(0, Y8, Y0, Y1, Y2, Y3)
	DOTSTEP8(32, Y9, Y4, Y5, Y6, Y7)
	ADDQ    $64, DI
	ADDQ    $64, R8
	ADDQ    $64, R9
	ADDQ    $64, R10
	ADDQ    $64, R11
	SUBQ    $16, CX
	CMPQ    CX, $16
	JGE     dot16

dot8:
	CMPQ    CX, $8
	JLT     dottail
	VMOVUPS (DI), Y8
	DOTSTEP8(0, Y8, Y0, Y1, Y2, Y3)
	ADDQ    $32, DI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, R11
	SUBQ    $8, CX

dottail:
	TESTQ      CX, CX
	JZ         dotsum
	TAILMASK(CX, Y14, Y13)
	VMASKMOVPS (DI), Y13, Y8
	VMASKMOVPS (R8), Y13, Y9
	VMASKMOVPS (R9), Y13, Y10
	VMASKMOVPS (R10), Y13, Y11
	VMASKMOVPS (R11), Y13, Y12
	VFMADD231PS Y9, Y8, Y0
	VFMADD231PS Y10, Y8, Y1
	VFMADD231PS Y11, Y8, Y2
	VFMADD231PS Y12, Y8, Y3

dotsum:
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	HSUM8(Y0, X0)
	HSUM8(Y1, X1)
	HSUM8(Y2, X2)
	HSUM8(Y3, X3)
	VMOVSS X0, s0+48(FP)
	VMOVSS X1, s1+52(FP)
	VMOVSS X2, s2+56(FP)
	VMOVSS X3, s3+60(FP)
	VZEROUPPER
	RET

#define AXSTEP8(off, acc) VFMADD231PS off(SI), Y12, acc

#define AXOUT80(acc, off) \
	VMULPS  Y13, acc, acc; \
	VMOVUPS acc, off(DI)

#define AXOUT8(acc, off) \
	VMULPS  Y13, acc, acc; \
	VMULPS  off(DI), Y14, Y15; \
	VADDPS  Y15, acc, acc; \
	VMOVUPS acc, off(DI)

// func gemvAxpyAVX2(k int, x, m *float32, ldm int, y *float32, n int, alpha, beta float32)
//
// As gemvAxpyAVX512: columns in blocks of 96 (12 accumulators), then 8, then a masked tail;
// every column is one chain of fused multiply-adds over p in order.
//
//	BX x, R8 top of the column block, SI current row, DX row stride in bytes, DI y block,
//	R12 columns left, R13 rows left, R10 beta ≠ 0, Y12 broadcast x[p], Y13 alpha, Y14 beta
TEXT ·gemvAxpyAVX2(SB), NOSPLIT, $0-56
	MOVQ         m+16(FP), R8
	MOVQ         ldm+24(FP), DX
	SHLQ         $2, DX
	MOVQ         y+32(FP), DI
	MOVQ         n+40(FP), R12
	VBROADCASTSS alpha+48(FP), Y13
	VBROADCASTSS beta+52(FP), Y14
	MOVL         beta+52(FP), R10
	ANDL         $0x7fffffff, R10

ax96:
	CMPQ   R12, $96
	JLT    ax8
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
	MOVQ   x+8(FP), BX
	MOVQ   R8, SI
	MOVQ   k+0(FP), R13

ax96row:
	VBROADCASTSS (BX), Y12
	AXSTEP8(0, Y0)
	AXSTEP8(32, Y1)
	AXSTEP8(64, Y2)
	AXSTEP8(96, Y3)
	AXSTEP8(128, Y4)
	AXSTEP8(160, Y5)
	AXSTEP8(192, Y6)
	AXSTEP8(224, Y7)
	AXSTEP8(256, Y8)
	AXSTEP8(288, Y9)
	AXSTEP8(320, Y10)
	AXSTEP8(352, Y11)
	ADDQ         $4, BX
	ADDQ         DX, SI
	DECQ         R13
	JNZ          ax96row

	TESTL R10, R10
	JZ    ax96out0
	AXOUT8(Y0, 0)
	AXOUT8(Y1, 32)
	AXOUT8(Y2, 64)
	AXOUT8(Y3, 96)
	AXOUT8(Y4, 128)
	AXOUT8(Y5, 160)
	AXOUT8(Y6, 192)
	AXOUT8(Y7, 224)
	AXOUT8(Y8, 256)
	AXOUT8(Y9, 288)
	AXOUT8(Y10, 320)
	AXOUT8(Y11, 352)
	JMP   ax96next

ax96out0:
	AXOUT80(Y0, 0)
	AXOUT80(Y1, 32)
	AXOUT80(Y2, 64)
	AXOUT80(Y3, 96)
	AXOUT80(Y4, 128)
	AXOUT80(Y5, 160)
	AXOUT80(Y6, 192)
	AXOUT80(Y7, 224)
	AXOUT80(Y8, 256)
	AXOUT80(Y9, 288)
	AXOUT80(Y10, 320)
	AXOUT80(Y11, 352)

ax96next:
	ADDQ $384, R8
	ADDQ $384, DI
	SUBQ $96, R12
	JMP  ax96

ax8:
	CMPQ   R12, $8
	JLT    axtail
	VXORPS Y0, Y0, Y0
	MOVQ   x+8(FP), BX
	MOVQ   R8, SI
	MOVQ   k+0(FP), R13

ax8row:
	VBROADCASTSS (BX), Y12
	AXSTEP8(0, Y0)
	ADDQ         $4, BX
	ADDQ         DX, SI
	DECQ         R13
	JNZ          ax8row
	TESTL        R10, R10
	JZ           ax8out0
	AXOUT8(Y0, 0)
	JMP          ax8next

ax8out0:
	AXOUT80(Y0, 0)

ax8next:
	ADDQ $32, R8
	ADDQ $32, DI
	SUBQ $8, R12
	JMP  ax8

axtail:
	TESTQ  R12, R12
	JZ     axdone
	TAILMASK(R12, Y15, Y11)
	VXORPS Y0, Y0, Y0
	MOVQ   x+8(FP), BX
	MOVQ   R8, SI
	MOVQ   k+0(FP), R13

axtailrow:
	VBROADCASTSS (BX), Y12
	VMASKMOVPS   (SI), Y11, Y1
	VFMADD231PS  Y1, Y12, Y0
	ADDQ         $4, BX
	ADDQ         DX, SI
	DECQ         R13
	JNZ          axtailrow
	VMULPS       Y13, Y0, Y0
	TESTL        R10, R10
	JZ           axtailout
	VMASKMOVPS   (DI), Y11, Y1
	VMULPS       Y1, Y14, Y1
	VADDPS       Y1, Y0, Y0

axtailout:
	VMASKMOVPS Y0, Y11, (DI)

axdone:
	VZEROUPPER
	RET
