//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

func init() {
	supported[AVX2] = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	supported[AVX512] = supported[AVX2] && cpu.X86.HasAVX512F
	active = best()
}
