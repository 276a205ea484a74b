// Credential material: consumer keys and secrets, JWT and opaque tokens, signing keys. Knows nothing of Kubernetes.
namespace AppKeys.Credentials;
