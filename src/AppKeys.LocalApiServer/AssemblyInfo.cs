// The local Kubernetes API server: an in-process emulator of kube-apiserver for tests and local mode.
namespace AppKeys.LocalApiServer;
