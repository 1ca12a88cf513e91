package femtologging_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	femto "femtologging.invalid/go"
)

// isolated returns a logger writing only to a new file handler in dir.
func isolated(t *testing.T, name, format string) (*femto.Logger, *femto.Handler, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".log")
	options := &femto.HandlerOptions{}
	if format != "" {
		formatter, err := femto.NewFormatter(format)
		if err != nil {
			t.Fatal(err)
		}
		defer formatter.Free()
		options.Formatter = formatter
	}
	handler, err := femto.NewFileHandler(path, options)
	if err != nil {
		t.Fatal(err)
	}
	logger, err := femto.GetLogger("go." + name)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []error{logger.SetPropagate(false), logger.SetLevel(femto.LevelDebug), logger.ClearHandlers(),
		logger.AddHandler(handler)} {
		if step != nil {
			t.Fatal(step)
		}
	}
	return logger, handler, path
}

func contents(t *testing.T, handler *femto.Handler, path string) string {
	t.Helper()
	if err := handler.Flush(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestRecordsCarryTheCallersLocation(t *testing.T) {
	logger, handler, path := isolated(t, "location", "%(levelname)s %(funcName)s:%(lineno)d %(message)s")
	defer handler.Free()
	logger.Info("plain")
	logger.Warningf("formatted %d", 7)
	got := contents(t, handler, path)
	want := "INFO go_test.TestRecordsCarryTheCallersLocation:%d plain\n" +
		"WARNING go_test.TestRecordsCarryTheCallersLocation:%d formatted 7\n"
	// The two calls are on the 3rd and 2nd lines above `got :=`.
	var line int
	if _, err := fmt.Sscanf(strings.SplitN(got, ":", 2)[1], "%d", &line); err != nil {
		t.Fatalf("no line number in %q", got)
	}
	if got != fmt.Sprintf(want, line, line+1) {
		t.Fatalf("got %q", got)
	}
	if logger.Name() != "go.location" {
		t.Fatalf("name %q", logger.Name())
	}
}

type counted struct{ calls *int }

func (c counted) String() string { *c.calls++; return "costly" }

func TestDisabledLevelsFormatNothing(t *testing.T) {
	logger, handler, path := isolated(t, "disabled", "")
	defer handler.Free()
	if err := logger.SetLevel(femto.LevelWarning); err != nil {
		t.Fatal(err)
	}
	calls := 0
	logger.Debugf("%v", counted{&calls})
	logger.Infof("%v", counted{&calls})
	if calls != 0 || logger.Enabled(femto.LevelInfo) {
		t.Fatalf("formatted %d times below the level", calls)
	}
	logger.Errorf("%v", counted{&calls})
	if calls != 1 {
		t.Fatalf("formatted %d times", calls)
	}
	if got := contents(t, handler, path); got != "costly\n" {
		t.Fatalf("got %q", got)
	}
}

func TestGoroutinesLogEveryRecord(t *testing.T) {
	logger, handler, path := isolated(t, "goroutines", "")
	defer handler.Free()
	const goroutines, each = 8, 10000
	var wait sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wait.Add(1)
		go func(g int) {
			defer wait.Done()
			for i := 0; i < each; i++ {
				logger.Infof("goroutine %d record %d", g, i)
			}
		}(g)
	}
	wait.Wait()
	got := contents(t, handler, path)
	if lines := strings.Count(got, "\n"); lines != goroutines*each {
		t.Fatalf("%d lines, want %d", lines, goroutines*each)
	}
	if stats := handler.Stats(); stats.Written != goroutines*each || stats.Dropped != 0 {
		t.Fatalf("stats %+v", stats)
	}
}

func TestBadInputIsAnErrorWithTheEnginesMessage(t *testing.T) {
	_, err := femto.NewHandler(`{"class": "rotating_file", "path": "x.log", "max_bites": 1}`, nil)
	var failure *femto.Error
	if !errors.As(err, &failure) || failure.Status != femto.StatusInvalidArgument ||
		!strings.Contains(failure.Message, "max_bites") {
		t.Fatalf("got %v", err)
	}
	_, err = femto.NewFileHandler(filepath.Join(t.TempDir(), "no", "such", "dir.log"), nil)
	if !errors.As(err, &failure) || failure.Status != femto.StatusIO {
		t.Fatalf("got %v", err)
	}
	if _, err = femto.NewFormatter("%(message"); err == nil {
		t.Fatal("a broken format was accepted")
	}
	if err = femto.ConfigureTOML("[loggers.x]\nlevel = \"LOUD\"\n"); !errors.As(err, &failure) ||
		!strings.Contains(failure.Message, "LOUD") {
		t.Fatalf("got %v", err)
	}
}

func TestConfigurationFilesConfigureGoLoggers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "configured.log")
	toml := fmt.Sprintf("[formatters.short]\nformat = \"%%(name)s %%(message)s\"\n"+
		"[handlers.file]\nclass = \"file\"\npath = %q\nformatter = \"short\"\n"+
		"[loggers.\"go.configured\"]\nlevel = \"INFO\"\nhandlers = [\"file\"]\npropagate = false\n", path)
	if err := femto.ConfigureTOML(toml); err != nil {
		t.Fatal(err)
	}
	logger, err := femto.GetLogger("go.configured")
	if err != nil {
		t.Fatal(err)
	}
	logger.Debug("hidden")
	logger.Info("shown")
	if err := femto.FlushAll(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "go.configured shown\n" {
		t.Fatalf("got %q, %v", data, err)
	}
}
