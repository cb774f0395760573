// Package distill implements knowledge distillation and speculative decoding for the language
// models of package lm.
package distill
