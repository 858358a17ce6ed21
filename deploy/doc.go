// Package deploy holds the deployment files: the container image (Dockerfile), a compose file, Kubernetes
// manifests, an nginx reverse proxy and a systemd unit (see README.md). It has no code of its own; its test
// keeps the files honest without a Docker engine or a cluster: every YAML parses, every variable they set is
// one the program reads, nothing secret is written in them, and the safety settings the README promises
// (non-root, read-only root file system, probes on /healthz and /readyz, a drain window longer than
// YQYB_SHUTDOWN_TIMEOUT) are there.
package deploy
