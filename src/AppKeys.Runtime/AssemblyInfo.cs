// Generic controller runtime on KubernetesClient: informers, work queues, reconcilers, leader election.
namespace AppKeys.Runtime;
