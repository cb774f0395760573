package lm

import (
	"sort"
	"unicode"
	"unicode/utf8"
)

// GPT-2 splits text into pieces before applying byte-pair merges, with the pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// Go's regexp package has no look-ahead, so nextPiece implements the pattern by hand as a
// rune scanner. The character classes follow the reference JavaScript encoder (the regular
// expression with the u flag): \p{L} is Unicode category L, \p{N} is category N (both of
// Unicode 17.0, the reference's version; see newerClasses), and \s is
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
	if r >= newerClasses[0].lo {
		i := sort.Search(len(newerClasses), func(i int) bool { return newerClasses[i].hi >= r })
		if i < len(newerClasses) && newerClasses[i].lo <= r {
			return newerClasses[i].class
		}
	}
	return classOther
}

// newerClasses lists the letters and numbers of the Unicode version of the reference
// (17.0, in testdata/unicode_classes.txt) that Go's unicode tables (15.0.0) do not have:
// characters assigned since. Sorted and disjoint.
var newerClasses = []struct {
	lo, hi rune
	class  uint8
}{
	{0x088F, 0x088F, classLetter},
	{0x0C5C, 0x0C5C, classLetter},
	{0x0CDC, 0x0CDC, classLetter},
	{0x1C89, 0x1C8A, classLetter},
	{0xA7CB, 0xA7CF, classLetter},
	{0xA7D2, 0xA7D2, classLetter},
	{0xA7D4, 0xA7D4, classLetter},
	{0xA7DA, 0xA7DC, classLetter},
	{0xA7F1, 0xA7F1, classLetter},
	{0x105C0, 0x105F3, classLetter},
	{0x10940, 0x10959, classLetter},
	{0x10D40, 0x10D49, classNumber},
	{0x10D4A, 0x10D65, classLetter},
	{0x10D6F, 0x10D85, classLetter},
	{0x10EC2, 0x10EC7, classLetter},
	{0x11380, 0x11389, classLetter},
	{0x1138B, 0x1138B, classLetter},
	{0x1138E, 0x1138E, classLetter},
	{0x11390, 0x113B5, classLetter},
	{0x113B7, 0x113B7, classLetter},
	{0x113D1, 0x113D1, classLetter},
	{0x113D3, 0x113D3, classLetter},
	{0x116D0, 0x116E3, classNumber},
	{0x11BC0, 0x11BE0, classLetter},
	{0x11BF0, 0x11BF9, classNumber},
	{0x11DB0, 0x11DDB, classLetter},
	{0x11DE0, 0x11DE9, classNumber},
	{0x13460, 0x143FA, classLetter},
	{0x16100, 0x1611D, classLetter},
	{0x16130, 0x16139, classNumber},
	{0x16D40, 0x16D6C, classLetter},
	{0x16D70, 0x16D79, classNumber},
	{0x16EA0, 0x16EB8, classLetter},
	{0x16EBB, 0x16ED3, classLetter},
	{0x16FF2, 0x16FF3, classLetter},
	{0x16FF4, 0x16FF6, classNumber},
	{0x187F8, 0x187FF, classLetter},
	{0x18CFF, 0x18CFF, classLetter},
	{0x18D09, 0x18D1E, classLetter},
	{0x18D80, 0x18DF2, classLetter},
	{0x1CCF0, 0x1CCF9, classNumber},
	{0x1E5D0, 0x1E5ED, classLetter},
	{0x1E5F0, 0x1E5F0, classLetter},
	{0x1E5F1, 0x1E5FA, classNumber},
	{0x1E6C0, 0x1E6DE, classLetter},
	{0x1E6E0, 0x1E6E2, classLetter},
	{0x1E6E4, 0x1E6E5, classLetter},
	{0x1E6E7, 0x1E6ED, classLetter},
	{0x1E6F0, 0x1E6F4, classLetter},
	{0x1E6FE, 0x1E6FF, classLetter},
	{0x2B73A, 0x2B73F, classLetter},
	{0x2CEA2, 0x2CEAD, classLetter},
	{0x2EBF0, 0x2EE5D, classLetter},
	{0x323B0, 0x33479, classLetter},
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
