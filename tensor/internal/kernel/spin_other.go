//go:build purego || !amd64

package kernel

// spinPause does nothing here: the polling loop just polls.
func spinPause() {}
