// Command smx-ferretdb runs FerretDB v1 (SQLite backend) embedded, so the binary
// does not need build/version/version.txt (upstream issue #2982) and sends no telemetry.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	dir := flag.String("data-dir", "", "directory for the SQLite files (created when missing)")
	exitWithStdin := flag.Bool("exit-with-stdin", false, "stop when standard input closes")
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "smx-ferretdb: --data-dir is required")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "smx-ferretdb:", err)
		os.Exit(2)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "smx-ferretdb:", err)
		os.Exit(2)
	}
	if !strings.HasSuffix(abs, "/") {
		abs += "/"
	}

	addr, err := resolvePort(*listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "smx-ferretdb:", err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "smx-ferretdb:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// With --exit-with-stdin the server stops when its parent goes away (its stdin closes), so a crashed
	// test run or app never leaves an orphan database behind.
	if *exitWithStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	// The parent process reads this line to learn the address.
	fmt.Println("smx-ferretdb: listening on", addr)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "smx-ferretdb:", err)
		os.Exit(1)
	}
}

// resolvePort turns a ":0" address into a concrete free port so the caller can be told where to connect.
func resolvePort(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if port != "0" {
		return addr, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
