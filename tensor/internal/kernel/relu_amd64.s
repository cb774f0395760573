//go:build !purego

#include "textflag.h"

// Rectifier kernels. Forward: max(0, x) with x as the operand returned for NaN, then + 0 to
// turn −0 into +0 (Go's max). Backward: compare x > 0 (ordered: NaN compares false) and mask
// dy with the result, stored or added to dst.
//   DI dst   SI x   DX dy   CX elements left   AX elements done   BX 1 to add

// func reluAVX2(dst, x []float32) int
TEXT ·reluAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	XORQ AX, AX
	VXORPS Y15, Y15, Y15

relu2_loop:
	CMPQ CX, $8
	JLT  relu2_done
	VMOVUPS (SI)(AX*4), Y0
	VMAXPS  Y0, Y15, Y1
	VADDPS  Y15, Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ    $8, AX
	SUBQ    $8, CX
	JMP     relu2_loop

relu2_done:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func reluGradAVX2(dst, x, dy []float32, add bool) int
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-88
	MOVQ    dst_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), CX
	MOVQ    dy_base+48(FP), DX
	MOVBQZX add+72(FP), BX
	XORQ    AX, AX
	VXORPS  Y15, Y15, Y15

reluGrad2_loop:
	CMPQ    CX, $8
	JLT     reluGrad2_done
	VMOVUPS (SI)(AX*4), Y0
	VCMPPS  $0x1e, Y15, Y0, Y1
	TESTQ   BX, BX
	JNE     reluGrad2_add
	VANDPS  (DX)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	JMP     reluGrad2_next

reluGrad2_add:
	// Only the selected lanes change (an unselected −0 stays −0).
	VMOVUPS   (DI)(AX*4), Y2
	VADDPS    (DX)(AX*4), Y2, Y3
	VBLENDVPS Y1, Y3, Y2, Y2
	VMOVUPS   Y2, (DI)(AX*4)

reluGrad2_next:
	ADDQ    $8, AX
	SUBQ    $8, CX
	JMP     reluGrad2_loop

reluGrad2_done:
	VZEROUPPER
	MOVQ AX, ret+80(FP)
	RET

// func reluAVX512(dst, x []float32)
TEXT ·reluAVX512(SB), NOSPLIT, $0-48
	MOVQ   dst_base+0(FP), DI
	MOVQ   x_base+24(FP), SI
	MOVQ   x_len+32(FP), CX
	XORQ   AX, AX
	VXORPS Z31, Z31, Z31
	MOVL   $0xffff, R8
	KMOVW  R8, K1

relu5_loop:
	CMPQ CX, $16
	JLT  relu5_tail

relu5_vec:
	// K1 selects the lanes in range (all but in the tail).
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMAXPS    Z0, Z31, Z1
	VADDPS    Z31, Z1, Z1
	VMOVUPS   Z1, K1, (DI)(AX*4)
	ADDQ      $16, AX
	SUBQ      $16, CX
	JG        relu5_loop
	JMP       relu5_done

relu5_tail:
	TESTQ CX, CX
	JLE   relu5_done
	MOVL  $1, R8
	SHLL  CX, R8
	DECL  R8
	KMOVW R8, K1
	JMP   relu5_vec

relu5_done:
	VZEROUPPER
	RET

// func reluGradAVX512(dst, x, dy []float32, add bool)
TEXT ·reluGradAVX512(SB), NOSPLIT, $0-73
	MOVQ    dst_base+0(FP), DI
	MOVQ    x_base+24(FP), SI
	MOVQ    x_len+32(FP), CX
	MOVQ    dy_base+48(FP), DX
	MOVBQZX add+72(FP), BX
	XORQ    AX, AX
	VXORPS  Z31, Z31, Z31
	MOVL    $0xffff, R8
	KMOVW   R8, K2

reluGrad5_loop:
	CMPQ CX, $16
	JLT  reluGrad5_tail

reluGrad5_vec:
	// K2 selects the lanes in range (all but in the tail).
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	VCMPPS    $0x1e, Z31, Z0, K2, K1
	VMOVUPS.Z (DX)(AX*4), K1, Z1
	TESTQ     BX, BX
	JEQ       reluGrad5_store
	// Only the selected lanes change (an unselected −0 stays −0).
	VMOVUPS.Z (DI)(AX*4), K2, Z2
	VADDPS    Z1, Z2, K1, Z2
	VMOVAPS   Z2, Z1

reluGrad5_store:
	VMOVUPS Z1, K2, (DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX
	JG      reluGrad5_loop
	JMP     reluGrad5_done

reluGrad5_tail:
	TESTQ CX, CX
	JLE   reluGrad5_done
	MOVL  $1, R8
	SHLL  CX, R8
	DECL  R8
	KMOVW R8, K2
	JMP   reluGrad5_vec

reluGrad5_done:
	VZEROUPPER
	RET
