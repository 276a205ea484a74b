using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Authorization;

namespace AppKeys.Operator.Testing.Hostile;

/// <summary>
/// What <see cref="HostileAttackSuite"/> attacks: a local API server enforcing RBAC, the operator running under the
/// shipped RBAC (with the opt-in rollout-restart component) as its ServiceAccount in <see cref="OperatorNamespace"/>,
/// and Mallory: a namespace user bound to the built-in <c>edit</c> ClusterRole in <see cref="Shop"/> (where the
/// victim Applications live) and <see cref="Own"/> (hers), and nothing else. Attacks are made with Mallory's client;
/// what the operator did is read with the admin's. Which operator it is (in process or a separate process, JIT or
/// Native AOT) is the world's business.
/// </summary>
public interface IHostileWorld
{
    const string Shop = "shop";
    const string Own = "mallory";
    const string User = "mallory";

    /// <summary>The RoleBinding that gives Mallory the built-in <c>edit</c> ClusterRole in <paramref name="ns"/>.</summary>
    static JsonObject MalloryEditBinding(string ns) => JsonNode.Parse($$"""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"mallory-edit","namespace":"{{ns}}"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"{{User}}"}]}
        """)!.AsObject();

    /// <summary>The cluster admin's clients.</summary>
    HostileClients Admin { get; }

    /// <summary>Mallory's clients.</summary>
    HostileClients Mallory { get; }

    /// <summary>The operator's namespace (where Mallory has no rights).</summary>
    string OperatorNamespace { get; }

    /// <summary>The operator's own requests that were denied: none may be (the attacks never need more permissions).</summary>
    IReadOnlyList<DeniedRequest> OperatorDenials { get; }

    /// <summary>Everything the operator logged so far.</summary>
    string OperatorLog { get; }

    /// <summary>The operator's metrics text (Prometheus exposition format).</summary>
    Task<string> MetricsAsync();
}
