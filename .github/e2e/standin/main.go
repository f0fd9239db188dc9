// A stand-in for the HiveBox image in the end-to-end test. The real image is
// built and pushed by the application's own pipeline and may not be pullable
// from a throwaway kind cluster; this serves the endpoints the platform wires
// (probes, metrics, the API route) so the test checks the GitOps wiring, not
// the application. Static binary, no base image, runs as any non-root user.
package main

import (
	"fmt"
	"net/http"
	"os"
)

// Set at build time: -ldflags "-X main.version=v0.6.0 -X main.port=8000".
var (
	version = "dev"
	port    = "8000"
)

func main() {
	http.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "{\"version\":%q,\"standIn\":true}\n", version)
	})
	http.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/temperature", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"temperature":20.0,"status":"Good","standIn":true}`)
	})
	http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# TYPE hivebox_standin_info gauge\nhivebox_standin_info{version=%q} 1\n", version)
	})
	if err := http.ListenAndServe(":"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
