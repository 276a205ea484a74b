using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Authorization;

/// <summary>A server with RBAC and the OwnerReferencesPermissionEnforcement admission plugin on.</summary>
public sealed class OwnerReferencesServerFixture : RbacServerFixture
{
    protected override void Configure(LocalApiServerOptions options) => options.OwnerReferencesPermissionEnforcement = true;
}

/// <summary>
/// kube's OwnerReferencesPermissionEnforcement (plugin/pkg/admission/gc): setting or changing ownerReferences needs
/// delete on the object, setting blockOwnerDeletion needs update on the owner's finalizers; the Status texts are
/// kube's; every denial, of a request or of the admission check, is in <c>server.Denials</c>.
/// </summary>
public sealed class OwnerReferencesAdmissionTests(OwnerReferencesServerFixture fx) : IClassFixture<OwnerReferencesServerFixture>
{
    private static string Message(HttpOperationException ex) => JsonNode.Parse(ex.Response.Content)!["message"]!.GetValue<string>();

    /// <summary>A namespace with a ServiceAccount granted <paramref name="rules"/>, an owner ConfigMap, and a client acting as the SA.</summary>
    private async Task<(string Ns, string User, V1ConfigMap Owner, Kubernetes Client)> ArrangeAsync(params V1PolicyRule[] rules)
    {
        var ns = await fx.Admin.NewNamespaceAsync();
        await GrantAsync(fx, ns, rules);
        var owner = await fx.Admin.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "owner" } }, ns);
        var user = $"system:serviceaccount:{ns}:sa";
        return (ns, user, owner, fx.ClientFor(user));
    }

    /// <summary>Binds a Role "writer" with <paramref name="rules"/> to the ServiceAccount "sa" of <paramref name="ns"/>.</summary>
    internal static async Task GrantAsync(RbacServerFixture fx, string ns, params V1PolicyRule[] rules)
    {
        await fx.Admin.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = new() { Name = "writer" }, Rules = rules }, ns);
        await fx.Admin.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new() { Name = "writer" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "writer" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "sa", NamespaceProperty = ns }],
        }, ns);
    }

    private static V1ConfigMap Child(V1ConfigMap owner, bool? block, string name = "child") => new()
    {
        Metadata = new()
        {
            Name = name,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = block }],
        },
    };

    private static V1PolicyRule Rule(string resource, params string[] verbs) => new() { ApiGroups = [""], Resources = [resource], Verbs = verbs };

    [Fact]
    public async Task Setting_an_owner_reference_needs_delete_on_the_object()
    {
        var (ns, user, owner, client) = await ArrangeAsync(Rule("configmaps", "create", "get", "update"));
        using (client)
        {
            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(Child(owner, block: null), ns));

            Assert.Equal(403, (int)ex.Response.StatusCode);
            Assert.Equal("configmaps \"child\" is forbidden: cannot set an ownerRef on a resource you can't delete: , <nil>", Message(ex));
            Assert.Contains(fx.Admin.Server.Denials.Denied, d => d.User == user && d.Verb == "delete" && d.Resource == "configmaps" && d.Name == "child" && d.Namespace == ns);

            // Without owner references the same create is allowed; adding one later by update is refused the same way.
            var plain = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "child" } }, ns);
            plain.Metadata.OwnerReferences = Child(owner, block: null).Metadata.OwnerReferences;
            var update = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(plain, "child", ns));
            Assert.Equal(403, (int)update.Response.StatusCode);
        }
    }

    [Fact]
    public async Task Blocking_owner_deletion_needs_update_on_the_owners_finalizers()
    {
        var (ns, user, owner, client) = await ArrangeAsync(Rule("configmaps", "create", "delete"));
        using (client)
        {
            // delete on the object suffices for a non-blocking reference.
            await client.CoreV1.CreateNamespacedConfigMapAsync(Child(owner, block: false, name: "loose"), ns);

            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(Child(owner, block: true), ns));
            Assert.Equal(403, (int)ex.Response.StatusCode);
            Assert.Equal("configmaps \"child\" is forbidden: cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: , <nil>", Message(ex));
            Assert.Contains(fx.Admin.Server.Denials.Denied, d =>
                d.User == user && d.Verb == "update" && d.ResourceWithSubresource == "configmaps/finalizers" && d.Name == "owner" && d.Namespace == ns && d.Path.Length == 0);

            // update on the finalizers of exactly that owner is what it takes.
            await fx.Admin.Client.RbacAuthorizationV1.PatchNamespacedRoleAsync(
                new V1Patch("""[{"op":"add","path":"/rules/-","value":{"apiGroups":[""],"resources":["configmaps/finalizers"],"resourceNames":["owner"],"verbs":["update"]}}]""", V1Patch.PatchType.JsonPatch),
                "writer", ns);
            var child = await client.CoreV1.CreateNamespacedConfigMapAsync(Child(owner, block: true), ns);
            Assert.True(child.Metadata.OwnerReferences.Single().BlockOwnerDeletion);
        }
    }

    [Fact]
    public async Task Writes_that_keep_the_owner_references_need_no_more_than_the_verb()
    {
        var (ns, _, owner, client) = await ArrangeAsync(Rule("configmaps", "get", "update", "patch"));
        using (client)
        {
            await fx.Admin.Client.CoreV1.CreateNamespacedConfigMapAsync(Child(owner, block: true), ns);

            var child = await client.CoreV1.ReadNamespacedConfigMapAsync("child", ns);
            child.Data = new Dictionary<string, string> { ["k"] = "v" };
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(child, "child", ns);
            await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"w"}}""", V1Patch.PatchType.MergePatch), "child", ns);

            Assert.Equal("w", (await fx.Admin.Client.CoreV1.ReadNamespacedConfigMapAsync("child", ns)).Data["k"]);
        }
    }

    [Fact]
    public async Task An_owner_kind_the_server_does_not_serve_cannot_be_blocked()
    {
        var (ns, _, owner, client) = await ArrangeAsync(Rule("configmaps", "create", "delete"));
        using (client)
        {
            var child = Child(owner, block: true);
            child.Metadata.OwnerReferences[0].ApiVersion = "example.com/v1";
            child.Metadata.OwnerReferences[0].Kind = "Widget";

            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(child, ns));

            Assert.Equal(403, (int)ex.Response.StatusCode);
            Assert.StartsWith("configmaps \"child\" is forbidden: cannot set blockOwnerDeletion in this case because cannot find RESTMapping for APIVersion example.com/v1 Kind Widget", Message(ex), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Denied_requests_are_recorded_with_what_was_checked()
    {
        var (ns, user, _, client) = await ArrangeAsync(Rule("configmaps", "get"));
        using (client)
        {
            var before = fx.Admin.Server.Denials.Total;
            await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync(ns));

            Assert.Equal(before + 1, fx.Admin.Server.Denials.Total);
            var denial = fx.Admin.Server.Denials.Denied.Last(d => d.User == user);
            Assert.Equal(("list", "", "secrets", ns), (denial.Verb, denial.ApiGroup, denial.Resource, denial.Namespace));
            Assert.Equal($"/api/v1/namespaces/{ns}/secrets", denial.Path);
        }
    }
}

/// <summary>The admission plugin is off by default, as in kube-apiserver: RBAC alone only checks the request's verb.</summary>
public sealed class OwnerReferencesAdmissionOffTests(RbacServerFixture fx) : IClassFixture<RbacServerFixture>
{
    [Fact]
    public async Task Without_the_plugin_create_alone_may_set_blocking_owner_references()
    {
        var ns = await fx.Admin.NewNamespaceAsync();
        await OwnerReferencesAdmissionTests.GrantAsync(fx, ns, new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["create"] });
        var owner = await fx.Admin.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "owner" } }, ns);
        using var client = fx.ClientFor($"system:serviceaccount:{ns}:sa");

        var child = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new()
            {
                Name = "child",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "owner", Uid = owner.Metadata.Uid, BlockOwnerDeletion = true }],
            },
        }, ns);

        Assert.True(child.Metadata.OwnerReferences.Single().BlockOwnerDeletion);
    }
}
