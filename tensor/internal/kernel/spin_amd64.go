//go:build !purego

package kernel

// spinPause executes a few PAUSE instructions: a polite wait inside a polling loop.
//
//go:noescape
func spinPause()
