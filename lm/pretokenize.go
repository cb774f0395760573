package lm

import (
	"unicode"
	"unicode/utf8"
)

// GPT-2 splits text into pieces before applying byte-pair merges, with the pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// Go's regexp package has no look-ahead, so nextPiece implements the pattern by hand as a
// rune scanner. The character classes follow the reference JavaScript encoder (the regular
// expression with the u flag): \p{L} is Unicode category L, \p{N} is category N, and \s is
// ECMAScript white space (tab, newline, vertical tab, form feed, carriage return, the Unicode
// space separators Zs, U+2028, U+2029 and U+FEFF). A byte that does not start a valid UTF-8
// sequence is one character of its own in the class [^\s\p{L}\p{N}], as U+FFFD would be.

// Character classes of the pre-tokenizer.
const (
	classOther  = iota // [^\s\p{L}\p{N}]
	classLetter        // \p{L}
	classNumber        // \p{N}
	classSpace         // \s
)

// asciiClass is the class of each ASCII byte.
var asciiClass [128]uint8

func init() {
	for b := 0; b < 128; b++ {
		asciiClass[b] = classOfRune(rune(b))
	}
}

// isSpaceJS reports whether r is white space in ECMAScript regular expressions.
func isSpaceJS(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x00A0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return 0x2000 <= r && r <= 0x200A
}

func classOfRune(r rune) uint8 {
	switch {
	case isSpaceJS(r):
		return classSpace
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsNumber(r):
		return classNumber
	}
	return classOther
}

// classAt returns the class and byte length of the character starting at s[i].
func classAt(s string, i int) (uint8, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size <= 1 {
		return classOther, 1
	}
	return classOfRune(r), size
}

// runEnd returns the end of the run of characters of class cls starting at s[i].
func runEnd(s string, i int, cls uint8) int {
	for i < len(s) {
		c, size := classAt(s, i)
		if c != cls {
			break
		}
		i += size
	}
	return i
}

// nextPiece returns the end of the pre-tokenizer piece that starts at s[i], i < len(s).
func nextPiece(s string, i int) int {
	if s[i] == '\'' && i+1 < len(s) {
		switch s[i+1] {
		case 's', 't', 'm', 'd':
			return i + 2
		case 'r':
			if i+2 < len(s) && s[i+2] == 'e' {
				return i + 3
			}
		case 'v':
			if i+2 < len(s) && s[i+2] == 'e' {
				return i + 3
			}
		case 'l':
			if i+2 < len(s) && s[i+2] == 'l' {
				return i + 3
			}
		}
	}
	if s[i] == ' ' && i+1 < len(s) {
		// " ?\p{L}+", " ?\p{N}+" and " ?[^\s\p{L}\p{N}]+" with the optional space.
		if c, size := classAt(s, i+1); c != classSpace {
			return runEnd(s, i+1+size, c)
		}
	}
	c, size := classAt(s, i)
	if c != classSpace {
		return runEnd(s, i+size, c)
	}
	// A run of white space. "\s+(?!\S)" takes the whole run if it ends the text or, if a
	// non-space follows, all of it but its last character (which then starts the next
	// piece, as " ?..." or as "\s+" on its own); a single white-space character before a
	// non-space is matched by "\s+".
	last := i
	j := i + size
	for j < len(s) {
		c, size := classAt(s, j)
		if c != classSpace {
			break
		}
		last = j
		j += size
	}
	if j == len(s) || last == i {
		return j
	}
	return last
}

// appendPieces appends the pre-tokenizer pieces of s to dst.
func appendPieces(dst []string, s string) []string {
	for i := 0; i < len(s); {
		j := nextPiece(s, i)
		dst = append(dst, s[i:j])
		i = j
	}
	return dst
}
