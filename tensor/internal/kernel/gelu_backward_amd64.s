//go:build !purego

#include "textflag.h"

// GELUTanhBackward in AVX-512F: the formula of gelu_backward.go on sixteen lanes, with the
// exponential of exp_amd64.s inlined (its macro and constants are repeated here because
// assembler macros and static data are private to a file).
//
// Go operand order: "VFMADD213PS c, b, a" is a = a·b + c, "VDIVPS b, a, d" is d = a/b,
// "VMINPS x, y, d" is d = y < x ? y : x (x on NaN), "VMAXPS x, y, d" is d = y > x ? y : x.

DATA gbConst<>+0(SB)/4, $0x42b20000  // 89.0, upper clamp of the exponential
DATA gbConst<>+4(SB)/4, $0xc2d00000  // -104.0, lower clamp
DATA gbConst<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA gbConst<>+12(SB)/4, $0x4b400000 // 1.5·2^23
DATA gbConst<>+16(SB)/4, $0x3f318000 // ln2Hi
DATA gbConst<>+20(SB)/4, $0xb95e8083 // ln2Lo
DATA gbConst<>+24(SB)/4, $0x39500d01 // c7
DATA gbConst<>+28(SB)/4, $0x3ab60b61 // c6
DATA gbConst<>+32(SB)/4, $0x3c088889 // c5
DATA gbConst<>+36(SB)/4, $0x3d2aaaab // c4
DATA gbConst<>+40(SB)/4, $0x3e2aaaab // c3
DATA gbConst<>+44(SB)/4, $0x3f000000 // c2
DATA gbConst<>+48(SB)/4, $0x3f800000 // 1.0
DATA gbConst<>+52(SB)/4, $0x3f4c422a // geluC = √(2/π)
DATA gbConst<>+56(SB)/4, $0x3d372713 // geluA = 0.044715
DATA gbConst<>+60(SB)/4, $0xc1a00000 // −20, lower clamp of x
DATA gbConst<>+64(SB)/4, $0x41a00000 // 20, upper clamp of x
DATA gbConst<>+68(SB)/4, $0x3e095d4f // 3·geluA
DATA gbConst<>+72(SB)/4, $0x3fcc422a // 2·geluC
DATA gbConst<>+76(SB)/4, $0x80000000 // sign bit
GLOBL gbConst<>(SB), RODATA|NOPTR, $80

// EXPZ (from exp_amd64.h) computes the exponential; its constants live in Z17…Z29 as
// loaded below from the first words of gbConst.
#include "exp_amd64.h"

// GBBODY maps x in Z5 and dy in Z9 to dy·GELUTanh'(x) in Z3:
//   v = min(max(x, −20), 20); u = v²; z = (C·v)·(A·u + 1); e = e^(−2|z|)
//   r = 1/(1+e); q = e·r; s = v < 0 ? q : r; dz = 2C·(3A·u + 1)
//   result = dy·(s + v·(r·q)·dz)
// Z10 = C, Z11 = A, Z12 = −20, Z13 = 20, Z14 = 3A, Z15 = 2C, Z30 = sign bit, Z31 = 0.
#define GBBODY \
	VMAXPS Z5, Z12, Z5; \
	VMINPS Z5, Z13, Z5; \
	VMULPS Z5, Z5, Z6; \
	VMOVAPS Z6, Z7; \
	VFMADD213PS Z23, Z11, Z7; \
	VMULPS Z10, Z5, Z8; \
	VMULPS Z7, Z8, Z8; \
	VADDPS Z8, Z8, Z0; \
	VPORD Z30, Z0, Z0; \
	EXPZ(Z0, Z1, Z2, Z3, Z4); \
	VADDPS Z23, Z3, Z7; \
	VDIVPS Z7, Z23, Z7; \
	VMULPS Z7, Z3, Z8; \
	VMULPS Z8, Z7, Z1; \
	VCMPPS $1, Z31, Z5, K2; \
	VMOVAPS Z8, K2, Z7; \
	VFMADD213PS Z23, Z14, Z6; \
	VMULPS Z15, Z6, Z6; \
	VMULPS Z5, Z1, Z1; \
	VFMADD213PS Z7, Z6, Z1; \
	VMULPS Z9, Z1, Z3

// func geluTanhBackwardAVX512(dst, x, dy []float32)
// Pointers: DI = dst, SI = x, DX = dy, CX = len(x); sixteen lanes per step, then one masked
// step (K1 holds the low len%16 lanes).
TEXT ·geluTanhBackwardAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	MOVQ dy_base+48(FP), DX
	VBROADCASTSS gbConst<>+0(SB), Z17
	VBROADCASTSS gbConst<>+4(SB), Z18
	VBROADCASTSS gbConst<>+8(SB), Z19
	VBROADCASTSS gbConst<>+12(SB), Z20
	VBROADCASTSS gbConst<>+16(SB), Z21
	VBROADCASTSS gbConst<>+20(SB), Z22
	VBROADCASTSS gbConst<>+48(SB), Z23
	VBROADCASTSS gbConst<>+44(SB), Z24
	VBROADCASTSS gbConst<>+40(SB), Z25
	VBROADCASTSS gbConst<>+36(SB), Z26
	VBROADCASTSS gbConst<>+32(SB), Z27
	VBROADCASTSS gbConst<>+28(SB), Z28
	VBROADCASTSS gbConst<>+24(SB), Z29
	VBROADCASTSS gbConst<>+52(SB), Z10
	VBROADCASTSS gbConst<>+56(SB), Z11
	VBROADCASTSS gbConst<>+60(SB), Z12
	VBROADCASTSS gbConst<>+64(SB), Z13
	VBROADCASTSS gbConst<>+68(SB), Z14
	VBROADCASTSS gbConst<>+72(SB), Z15
	VPBROADCASTD gbConst<>+76(SB), Z30
	VPXORD Z31, Z31, Z31

gb5_16:
	CMPQ CX, $16
	JLT  gb5_tail
	VMOVUPS (SI), Z5
	VMOVUPS (DX), Z9
	GBBODY
	VMOVUPS Z3, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  gb5_16

gb5_tail:
	TESTQ CX, CX
	JEQ   gb5_done
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z5
	VMOVUPS.Z (DX), K1, Z9
	GBBODY
	VMOVUPS Z3, K1, (DI)

gb5_done:
	VZEROUPPER
	RET
