package lm

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPretokenizerClasses checks the pre-tokenizer's character class of every code point
// against the classes of the reference encoder's regular expression, recorded by
// testdata/gen/unicode_classes.js.
func TestPretokenizerClasses(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "unicode_classes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]uint8{"S": classSpace, "L": classLetter, "N": classNumber, "O": classOther}
	sc := bufio.NewScanner(f)
	bad := 0
	next := rune(0)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		lo, err1 := strconv.ParseUint(fs[0], 16, 32)
		hi, err2 := strconv.ParseUint(fs[1], 16, 32)
		if err1 != nil || err2 != nil || len(fs) != 3 || rune(lo) != next {
			t.Fatalf("bad line %q", line)
		}
		next = rune(hi) + 1
		for r := rune(lo); r <= rune(hi); r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue // not representable in UTF-8
			}
			s := string(r)
			got, size := classAt(s, 0)
			if size != utf8.RuneLen(r) || got != want[fs[2]] {
				if bad < 40 {
					t.Errorf("U+%04X: class %d, reference %s", r, got, fs[2])
				}
				bad++
			}
		}
	}
	if next != utf8.MaxRune+1 {
		t.Fatalf("ranges end at U+%04X", next)
	}
	if bad > 0 {
		t.Errorf("%d code points differ", bad)
	}
}
