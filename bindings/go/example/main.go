// A Go program and a C library it calls, logging into one file through one
// engine: `go run . app.log` (see docs/go.md).
package main

/*
#cgo pkg-config: femtologging
#include "codec.h"
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"time"

	femto "femtologging.invalid/go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: example FILE")
		os.Exit(2)
	}
	format, err := femto.NewFormatter("%(name)-12s %(levelname)-7s %(message)s")
	if err != nil {
		panic(err)
	}
	file, err := femto.NewFileHandler(os.Args[1], &femto.HandlerOptions{Formatter: format})
	if err != nil {
		panic(err)
	}
	root, _ := femto.GetLogger("")
	_ = root.SetLevel(femto.LevelInfo)
	_ = root.AddHandler(file) // Go's and C's loggers both propagate to it

	app, _ := femto.GetLogger("go.app")
	app.Info("starting 3 workers")
	var wait sync.WaitGroup
	for w := 1; w <= 3; w++ {
		wait.Add(1)
		go func(w int) {
			defer wait.Done()
			size := C.codec_compress(C.size_t(w * 1000)) // the C library logs this
			app.Infof("worker %d got %d bytes back", w, size)
		}(w)
	}
	wait.Wait()
	app.Warning("done")
	if err := femto.FlushAll(5 * time.Second); err != nil {
		panic(err)
	}
}
