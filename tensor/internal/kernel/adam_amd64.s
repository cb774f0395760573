//go:build !purego

#include "textflag.h"

// Adam update in AVX2+FMA (ymm, 8 lanes) and AVX-512F (zmm, 16 lanes). See adamGeneric for
// the formula. Register use:
//   DI x (parameter)   SI g   DX m   R8 v   CX elements left   BX 1 when weight decay is on
//   R11 1 when the parameter is scaled (Scale ≠ 0)   AX elements done (the result)
//   vector 0..7: β1, 1−β1, β2, 1−β2, λ, step size, 1/√(1−β2ᵗ), ε; 14: Scale (broadcast)
// Only whole vectors are processed; the caller finishes the tail. The bits csr are ORed
// into MXCSR for the duration of the call and the caller's MXCSR restored before returning
// (csr = 0x8040 sets flush-to-zero and denormals-are-zero; see adamFlushBits).

// ADAMBODY is one vector of the update on the registers given (six scratch, then the eight
// constants); NODECAY is a fresh label. It updates m, v and x in place.
#define ADAMBODY(R8_, R9_, R10_, R11_, R12_, R13_, R0_, R1_, R2_, R3_, R4_, R5_, R6_, R7_, R14_, NODECAY, NOSCALE) \
	VMOVUPS (SI), R8_; \
	VMOVUPS (DI), R9_; \
	TESTQ BX, BX; \
	JEQ NODECAY; \
	VFMADD231PS R9_, R4_, R8_; \
NODECAY: \
	VMULPS (DX), R0_, R10_; \
	VFMADD231PS R8_, R1_, R10_; \
	VMULPS R8_, R8_, R11_; \
	VMULPS (R8), R2_, R12_; \
	VFMADD231PS R11_, R3_, R12_; \
	VMOVUPS R10_, (DX); \
	VMOVUPS R12_, (R8); \
	VSQRTPS R12_, R13_; \
	VFMADD213PS R7_, R6_, R13_; \
	VMULPS R10_, R5_, R10_; \
	VDIVPS R13_, R10_, R10_; \
	TESTQ R11, R11; \
	JEQ NOSCALE; \
	VMULPS R14_, R9_, R9_; \
NOSCALE: \
	VSUBPS R10_, R9_, R9_; \
	VMOVUPS R9_, (DI)

// ADAMNEXT16 advances the four pointers and the counts by one zmm vector.
#define ADAMNEXT16 \
	ADDQ $64, DI; \
	ADDQ $64, SI; \
	ADDQ $64, DX; \
	ADDQ $64, R8; \
	ADDQ $16, AX; \
	SUBQ $16, CX

// ADAMSETUP loads the pointers, the count and the broadcast constants.
#define ADAMSETUP(R0_, R1_, R2_, R3_, R4_, R5_, R6_, R7_, R14_) \
	MOVQ x_base+0(FP), DI; \
	MOVQ x_len+8(FP), CX; \
	MOVQ g_base+24(FP), SI; \
	MOVQ m_base+48(FP), DX; \
	MOVQ v_base+72(FP), R8; \
	MOVQ p+96(FP), R9; \
	VBROADCASTSS 0(R9), R0_; \
	VBROADCASTSS 4(R9), R1_; \
	VBROADCASTSS 8(R9), R2_; \
	VBROADCASTSS 12(R9), R3_; \
	VBROADCASTSS 16(R9), R4_; \
	VBROADCASTSS 20(R9), R5_; \
	VBROADCASTSS 24(R9), R6_; \
	VBROADCASTSS 28(R9), R7_; \
	VBROADCASTSS 32(R9), R14_; \
	XORQ R11, R11; \
	MOVL 32(R9), R10; \
	SHLL $1, R10; \
	JEQ 2(PC); \
	MOVQ $1, R11; \
	XORQ BX, BX; \
	MOVL 16(R9), R10; \
	SHLL $1, R10; \
	JEQ 2(PC); \
	MOVQ $1, BX; \
	XORQ AX, AX; \
	STMXCSR saved-4(SP); \
	MOVL saved-4(SP), R10; \
	ORL csr+104(FP), R10; \
	MOVL R10, flush-8(SP); \
	LDMXCSR flush-8(SP)

// func adamAVX2(x, g, m, v []float32, p *AdamParams, csr uint32) int
TEXT ·adamAVX2(SB), NOSPLIT, $8-120
	ADAMSETUP(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y14)

adam2_loop:
	CMPQ CX, $8
	JLT  adam2_done
	ADAMBODY(Y8, Y9, Y10, Y11, Y12, Y13, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y14, adam2_nodecay, adam2_noscale)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	ADDQ $8, AX
	SUBQ $8, CX
	JMP  adam2_loop

adam2_done:
	LDMXCSR saved-4(SP)
	VZEROUPPER
	MOVQ AX, ret+112(FP)
	RET

// func adamAVX512(x, g, m, v []float32, p *AdamParams, csr uint32) int
TEXT ·adamAVX512(SB), NOSPLIT, $8-120
	ADAMSETUP(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z14)

adam5_loop:
	CMPQ CX, $16
	JLT  adam5_done
	ADAMBODY(Z8, Z9, Z10, Z11, Z12, Z13, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z14, adam5_nodecay, adam5_noscale)
	ADAMNEXT16
	JMP  adam5_loop

adam5_done:
	LDMXCSR saved-4(SP)
	VZEROUPPER
	MOVQ AX, ret+112(FP)
	RET

// func adamAVX512Fast(x, g, m, v []float32, p *AdamParams, csr uint32) int
//
// adamAVX512 without the divider: √v from VRSQRT14PS (2⁻¹⁴) refined by one Newton step
// (s = v·y; s += s·(½ − s·y/2)), and 1/(√v·InvSqrtBC2 + ε) from VRCP14PS refined by one
// Newton step (q += q·(1 − den·q)), each within a few ulps. Zero and subnormal v give √v = 0
// (as under denormals-are-zero, which the caller must set in csr) and +∞ gives +∞; a
// denominator of +∞ gives a zero step. Extra registers: Z15 ½, Z16 1.
TEXT ·adamAVX512Fast(SB), NOSPLIT, $8-120
	ADAMSETUP(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z14)
	MOVL $0x3f000000, R10
	VPBROADCASTD R10, Z15
	MOVL $0x3f800000, R10
	VPBROADCASTD R10, Z16

adamf_loop:
	CMPQ CX, $16
	JLT  adamf_done
	VMOVUPS (SI), Z8
	VMOVUPS (DI), Z9
	TESTQ BX, BX
	JEQ adamf_nodecay
	VFMADD231PS Z9, Z4, Z8
adamf_nodecay:
	VMULPS (DX), Z0, Z10
	VFMADD231PS Z8, Z1, Z10
	VMULPS Z8, Z8, Z11
	VMULPS (R8), Z2, Z12
	VFMADD231PS Z11, Z3, Z12
	VMOVUPS Z10, (DX)
	VMOVUPS Z12, (R8)
	// s ≈ √v: y = 1/√v where v is normal (0 elsewhere), s = v·y refined; √(+∞) = +∞.
	// Vectors without a zero, subnormal or infinite v (nearly all) skip the masks: their
	// denominators are then finite and positive, so every lane is refined, with the same bits.
	VFPCLASSPSZ $0x2e, Z12, K1
	KORTESTW K1, K1
	JNZ adamf_special
	VRSQRT14PS Z12, Z13
	VMULPS Z13, Z12, Z11
	VMULPS Z15, Z13, Z13
	VMOVAPS Z15, Z17
	VFNMADD231PS Z13, Z11, Z17
	VFMADD231PS Z17, Z11, Z11
	VFMADD213PS Z7, Z6, Z11
	VRCP14PS Z11, Z13
	VMOVAPS Z16, Z17
	VFNMADD231PS Z13, Z11, Z17
	VFMADD231PS Z17, Z13, Z13
	JMP adamf_update
adamf_special:
	KNOTW K1, K1
	VRSQRT14PS.Z Z12, K1, Z13
	VMULPS Z13, Z12, Z11
	VMULPS Z15, Z13, Z13
	VMOVAPS Z15, Z17
	VFNMADD231PS Z13, Z11, Z17
	VFMADD231PS Z17, Z11, Z11
	VFPCLASSPSZ $0x08, Z12, K3
	VMOVAPS Z12, K3, Z11
	// den = s·InvSqrtBC2 + ε; q ≈ 1/den, refined where finite and nonzero.
	VFMADD213PS Z7, Z6, Z11
	VRCP14PS Z11, Z13
	VPTESTMD Z13, Z13, K2
	VMOVAPS Z16, Z17
	VFNMADD231PS Z13, Z11, Z17
	VFMADD231PS Z17, Z13, K2, Z13
adamf_update:
	// x = x·Scale − step·m·q
	VMULPS Z10, Z5, Z10
	VMULPS Z13, Z10, Z10
	TESTQ R11, R11
	JEQ adamf_noscale
	VMULPS Z14, Z9, Z9
adamf_noscale:
	VSUBPS Z10, Z9, Z9
	VMOVUPS Z9, (DI)
	ADAMNEXT16
	JMP  adamf_loop

adamf_done:
	LDMXCSR saved-4(SP)
	VZEROUPPER
	MOVQ AX, ret+112(FP)
	RET
