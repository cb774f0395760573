//go:build !purego

#include "textflag.h"
#include "zero_amd64.h"

// func rowDots4x6AVX512(k int, a *[4][]float32, b *[6][]float32, out *[24]float32)
//
// Four rows of A against six rows of B: accumulator Z(6r+s) sums a[r][p]·b[s][p] in lane
// p mod 16, sixteen steps of p at a time and the last k mod 16 under a mask; each is then
// added across its lanes as a tree (8+8, 4+4, 2+2, 1+1) into out[6r+s].
//
//	R8–R11 rows of A; R12, R13, DX, SI, DI, BX rows of B; AX byte offset along k; CX steps
//	left; Z24–Z27 a[·][p:p+16]; Z28, Z29 b[s][p:p+16]; Z30, Z31 the reduction.

#define RD_B(zb, acc0, acc1, acc2, acc3) \
	VFMADD231PS zb, Z24, acc0; \
	VFMADD231PS zb, Z25, acc1; \
	VFMADD231PS zb, Z26, acc2; \
	VFMADD231PS zb, Z27, acc3

#define RD_STEP \
	VMOVUPS (R8)(AX*1), Z24; \
	VMOVUPS (R9)(AX*1), Z25; \
	VMOVUPS (R10)(AX*1), Z26; \
	VMOVUPS (R11)(AX*1), Z27; \
	VMOVUPS (R12)(AX*1), Z28; \
	VMOVUPS (R13)(AX*1), Z29; \
	RD_B(Z28, Z0, Z6, Z12, Z18); \
	RD_B(Z29, Z1, Z7, Z13, Z19); \
	VMOVUPS (DX)(AX*1), Z28; \
	VMOVUPS (SI)(AX*1), Z29; \
	RD_B(Z28, Z2, Z8, Z14, Z20); \
	RD_B(Z29, Z3, Z9, Z15, Z21); \
	VMOVUPS (DI)(AX*1), Z28; \
	VMOVUPS (BX)(AX*1), Z29; \
	RD_B(Z28, Z4, Z10, Z16, Z22); \
	RD_B(Z29, Z5, Z11, Z17, Z23)

#define RD_TAIL \
	VMOVUPS.Z (R8)(AX*1), K1, Z24; \
	VMOVUPS.Z (R9)(AX*1), K1, Z25; \
	VMOVUPS.Z (R10)(AX*1), K1, Z26; \
	VMOVUPS.Z (R11)(AX*1), K1, Z27; \
	VMOVUPS.Z (R12)(AX*1), K1, Z28; \
	VMOVUPS.Z (R13)(AX*1), K1, Z29; \
	RD_B(Z28, Z0, Z6, Z12, Z18); \
	RD_B(Z29, Z1, Z7, Z13, Z19); \
	VMOVUPS.Z (DX)(AX*1), K1, Z28; \
	VMOVUPS.Z (SI)(AX*1), K1, Z29; \
	RD_B(Z28, Z2, Z8, Z14, Z20); \
	RD_B(Z29, Z3, Z9, Z15, Z21); \
	VMOVUPS.Z (DI)(AX*1), K1, Z28; \
	VMOVUPS.Z (BX)(AX*1), K1, Z29; \
	RD_B(Z28, Z4, Z10, Z16, Z22); \
	RD_B(Z29, Z5, Z11, Z17, Z23)

// RD_SUM adds the lanes of acc as a tree and stores the sum at off(AX).
#define RD_SUM(acc, off) \
	VSHUFF64X2 $0x0e, acc, acc, Z30; \
	VADDPS     Z30, acc, Z30; \
	VSHUFF32X4 $0x01, Z30, Z30, Z31; \
	VADDPS     Z31, Z30, Z30; \
	VPERMILPS  $0x0e, Z30, Z31; \
	VADDPS     Z31, Z30, Z30; \
	VPERMILPS  $0x01, Z30, Z31; \
	VADDPS     Z31, Z30, Z30; \
	VMOVSS     X30, off(AX)

TEXT ·rowDots4x6AVX512(SB), NOSPLIT, $0-32
	MOVQ a+8(FP), AX
	MOVQ 0(AX), R8
	MOVQ 24(AX), R9
	MOVQ 48(AX), R10
	MOVQ 72(AX), R11
	MOVQ b+16(FP), AX
	MOVQ 0(AX), R12
	MOVQ 24(AX), R13
	MOVQ 48(AX), DX
	MOVQ 72(AX), SI
	MOVQ 96(AX), DI
	MOVQ 120(AX), BX
	MOVQ k+0(FP), CX
	XORQ AX, AX

	ZERO16
	ZERO_Z16_Z23

rdloop:
	CMPQ CX, $16
	JLT  rdtail
	RD_STEP
	ADDQ $64, AX
	SUBQ $16, CX
	JMP  rdloop

rdtail:
	TESTQ CX, CX
	JZ    rdsum
	MOVL  $1, R14
	SHLL  CX, R14
	DECL  R14
	KMOVW R14, K1
	RD_TAIL

rdsum:
	MOVQ out+24(FP), AX
	RD_SUM(Z0, 0)
	RD_SUM(Z1, 4)
	RD_SUM(Z2, 8)
	RD_SUM(Z3, 12)
	RD_SUM(Z4, 16)
	RD_SUM(Z5, 20)
	RD_SUM(Z6, 24)
	RD_SUM(Z7, 28)
	RD_SUM(Z8, 32)
	RD_SUM(Z9, 36)
	RD_SUM(Z10, 40)
	RD_SUM(Z11, 44)
	RD_SUM(Z12, 48)
	RD_SUM(Z13, 52)
	RD_SUM(Z14, 56)
	RD_SUM(Z15, 60)
	RD_SUM(Z16, 64)
	RD_SUM(Z17, 68)
	RD_SUM(Z18, 72)
	RD_SUM(Z19, 76)
	RD_SUM(Z20, 80)
	RD_SUM(Z21, 84)
	RD_SUM(Z22, 88)
	RD_SUM(Z23, 92)
	VZEROUPPER
	RET
