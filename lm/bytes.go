package lm

import "unicode/utf8"

// GPT-2's vocabulary files store every token as a string of printable characters: each byte
// of the token's UTF-8 text is replaced by one rune. Printable Latin-1 bytes ('!'..'~',
// '¡'..'¬', '®'..'ÿ') stand for themselves; the remaining 68 bytes (controls, space, DEL,
// NBSP, soft hyphen) are mapped, in increasing byte order, to U+0100, U+0101, ... So a
// leading space appears as 'Ġ' (U+0120) and a newline as 'Ċ' (U+010A).

// byteToRune maps a byte to the rune that stands for it in the vocabulary files.
var byteToRune [256]rune

// runeToByte maps a rune of the vocabulary files back to its byte; runeIsByte says which
// runes below 0x200 are used.
var (
	runeToByte [0x200]byte
	runeIsByte [0x200]bool
)

func init() {
	next := rune(256)
	for b := 0; b < 256; b++ {
		if printableByte(byte(b)) {
			byteToRune[b] = rune(b)
		} else {
			byteToRune[b] = next
			next++
		}
		r := byteToRune[b]
		runeToByte[r] = byte(b)
		runeIsByte[r] = true
	}
}

func printableByte(b byte) bool {
	return ('!' <= b && b <= '~') || (0xA1 <= b && b <= 0xAC) || 0xAE <= b
}

// bytesToVocabString returns the vocabulary-file spelling of raw bytes (the inverse of
// vocabStringToBytes).
func bytesToVocabString(raw []byte) string {
	out := make([]byte, 0, 2*len(raw))
	for _, b := range raw {
		out = utf8.AppendRune(out, byteToRune[b])
	}
	return string(out)
}

// vocabStringToBytes decodes a vocabulary-file spelling to raw bytes. It reports false if
// the string holds a rune that stands for no byte.
func vocabStringToBytes(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, false
		}
		if r >= 0x200 || !runeIsByte[r] {
			return nil, false
		}
		out = append(out, runeToByte[r])
		i += size
	}
	return out, true
}
