using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Authorization;

/// <summary>
/// RBAC enforced by the server, as KubernetesClient and kubectl see it: exact 403 Status bodies, bindings taking
/// effect at once, bootstrap roles (view/edit aggregation, basic-user) and SelfSubjectAccessReview.
/// </summary>
public sealed class RbacServerTests(RbacServerFixture fx) : IClassFixture<RbacServerFixture>
{
    private static JsonNode Body(HttpOperationException ex) => JsonNode.Parse(ex.Response.Content)!;

    private async Task<(string Ns, string User)> NewServiceAccountAsync()
    {
        var ns = await fx.Admin.NewNamespaceAsync();
        await fx.Admin.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "sa" } }, ns);
        return (ns, $"system:serviceaccount:{ns}:sa");
    }

    private Task<V1RoleBinding> BindAsync(string ns, string name, string roleKind, string role, string sa = "sa") =>
        fx.Admin.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new() { Name = name },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = roleKind, Name = role },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = sa, NamespaceProperty = ns }],
        }, ns);

    [Fact]
    public async Task Unbound_service_account_gets_kubes_exact_403()
    {
        var (ns, user) = await NewServiceAccountAsync();
        using var client = fx.ClientFor(user);

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync(ns));
        Assert.Equal(403, (int)ex.Response.StatusCode);
        var body = Body(ex);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
        Assert.Equal("Failure", body["status"]!.GetValue<string>());
        Assert.Equal("Forbidden", body["reason"]!.GetValue<string>());
        Assert.Equal(403, body["code"]!.GetValue<int>());
        Assert.Equal($"secrets is forbidden: User \"{user}\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{ns}\"",
            body["message"]!.GetValue<string>());
        Assert.Equal("secrets", body["details"]!["kind"]!.GetValue<string>());

        var cluster = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespaceAsync());
        Assert.Equal($"namespaces is forbidden: User \"{user}\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope",
            Body(cluster)["message"]!.GetValue<string>());

        var named = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("c1", ns));
        Assert.Equal($"configmaps \"c1\" is forbidden: User \"{user}\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"",
            Body(named)["message"]!.GetValue<string>());
        Assert.Equal("c1", Body(named)["details"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Role_binding_grants_exactly_its_rules_in_its_namespace()
    {
        var (ns, user) = await NewServiceAccountAsync();
        var other = await fx.Admin.NewNamespaceAsync();
        await fx.Admin.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new() { Name = "deployer" },
            Rules =
            [
                new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get", "list", "create", "update"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get"], ResourceNames = ["allowed"] },
            ],
        }, ns);
        await BindAsync(ns, "deployer", "Role", "deployer");
        using var client = fx.ClientFor(user);

        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ListNamespacedDeploymentAsync(other));

        // Main resource allowed, its status subresource not.
        var deployment = await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new() { Name = "d" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "d" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new() { Labels = new Dictionary<string, string> { ["app"] = "d" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] },
                },
            },
        }, ns);
        var status = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, "d", ns));
        Assert.Equal(403, (int)status.Response.StatusCode);
        Assert.Equal($"deployments.apps \"d\" is forbidden: User \"{user}\" cannot update resource \"deployments/status\" in API group \"apps\" in the namespace \"{ns}\"",
            Body(status)["message"]!.GetValue<string>());

        // resourceNames: only the named object.
        await fx.Admin.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "allowed" } }, ns);
        await fx.Admin.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "denied" } }, ns);
        Assert.Equal("allowed", (await client.CoreV1.ReadNamespacedConfigMapAsync("allowed", ns)).Metadata.Name);
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("denied", ns));
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync(ns));
    }

    [Fact]
    public async Task Bootstrap_view_and_edit_aggregate_their_parts()
    {
        var (ns, user) = await NewServiceAccountAsync();
        using var client = fx.ClientFor(user);
        await BindAsync(ns, "viewer", "ClusterRole", "view");

        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items);
        var secrets = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync(ns));
        Assert.Equal(403, (int)secrets.Response.StatusCode);
        await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "c" } }, ns));

        await BindAsync(ns, "editor", "ClusterRole", "edit");
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "s" } }, ns);
        Assert.Single((await client.CoreV1.ListNamespacedSecretAsync(ns)).Items);
        // edit does not include RBAC objects; admin does.
        await Assert.ThrowsAsync<HttpOperationException>(() => client.RbacAuthorizationV1.ListNamespacedRoleAsync(ns));
        await BindAsync(ns, "administrator", "ClusterRole", "admin");
        Assert.NotNull(await client.RbacAuthorizationV1.ListNamespacedRoleAsync(ns));
    }

    [Fact]
    public async Task Binding_to_a_missing_role_appends_kubes_reason()
    {
        var (ns, user) = await NewServiceAccountAsync();
        await BindAsync(ns, "dangling", "Role", "gone");
        using var client = fx.ClientFor(user);

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync(ns));
        Assert.Equal($"secrets is forbidden: User \"{user}\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{ns}\": RBAC: role.rbac.authorization.k8s.io \"gone\" not found",
            Body(ex)["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_is_a_system_master_and_bootstrap_objects_exist()
    {
        var roles = await fx.Admin.Client.RbacAuthorizationV1.ListClusterRoleAsync();
        var names = roles.Items.Select(r => r.Metadata.Name).ToList();
        foreach (var expected in new[] { "cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user", "system:public-info-viewer" })
        {
            Assert.Contains(expected, names);
        }
        var bindings = await fx.Admin.Client.RbacAuthorizationV1.ListClusterRoleBindingAsync();
        var clusterAdmin = bindings.Items.Single(b => b.Metadata.Name == "cluster-admin");
        Assert.Equal("system:masters", clusterAdmin.Subjects.Single().Name);
    }

    [Fact]
    public async Task SelfSubjectAccessReview_answers_for_the_caller()
    {
        var (ns, user) = await NewServiceAccountAsync();
        using var client = fx.ClientFor(user);
        V1SelfSubjectAccessReview Review(string verb, string resource) => new()
        {
            Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = verb, Resource = resource } },
        };

        var before = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Review("list", "secrets"));
        Assert.False(before.Status.Allowed);

        await BindAsync(ns, "editor", "ClusterRole", "edit");
        var after = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Review("list", "secrets"));
        Assert.True(after.Status.Allowed);
        Assert.Equal($"RBAC: allowed by RoleBinding \"editor/{ns}\" of ClusterRole \"edit\" to ServiceAccount \"sa/{ns}\"", after.Status.Reason);

        var path = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec { NonResourceAttributes = new V1NonResourceAttributes { Path = "/apis/apps", Verb = "get" } },
        });
        Assert.True(path.Status.Allowed);

        var invalid = await fx.Admin.SendAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", """{"spec":{}}""");
        Assert.Equal(422, invalid.Code);
        Assert.Equal("Invalid", invalid.Body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubectl_auth_can_i_with_a_service_account_kubeconfig()
    {
        var (ns, user) = await NewServiceAccountAsync();
        var kubeconfig = fx.KubeconfigFor(user);

        var no = await Kubectl.RunOnceAsync(kubeconfig, "auth", "can-i", "create", "secrets", "-n", ns);
        Assert.True(no.ExitCode == 1, $"exit {no.ExitCode}: {no.StdOut} {no.StdErr}");
        Assert.True(no.StdOut.Trim().StartsWith("no", StringComparison.Ordinal), $"stdout: {no.StdOut} stderr: {no.StdErr}");

        await BindAsync(ns, "editor", "ClusterRole", "edit");
        var yes = await Kubectl.RunOnceAsync(kubeconfig, "auth", "can-i", "create", "secrets", "-n", ns);
        Assert.True(yes.ExitCode == 0, $"exit {yes.ExitCode}: {yes.StdOut} {yes.StdErr}");
        Assert.Equal("yes", yes.StdOut.Trim());

        var cluster = await Kubectl.RunOnceAsync(kubeconfig, "auth", "can-i", "list", "namespaces");
        Assert.True(cluster.ExitCode == 1, $"exit {cluster.ExitCode}: {cluster.StdOut} {cluster.StdErr}");

        var denied = await Kubectl.RunOnceAsync(kubeconfig, "get", "--raw", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles");
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains($"Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: User \"{user}\" cannot list resource \"roles\" in API group \"rbac.authorization.k8s.io\" in the namespace \"{ns}\"",
            denied.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_are_authorized_before_their_resource_or_path_is_looked_up()
    {
        var (ns, user) = await NewServiceAccountAsync();
        using var http = fx.HttpFor(user);
        using var admin = fx.Admin.CreateHttpClient(fx.Admin.Server.AdminToken);

        // An unknown resource: 403 for a user who may not list it, 404 only for one who may (kube authorizes first).
        var unknown = $"/apis/example.com/v1/namespaces/{ns}/widgets";
        using (var denied = await http.GetAsync(new Uri(unknown, UriKind.Relative)))
        {
            Assert.Equal(403, (int)denied.StatusCode);
            Assert.Equal($"widgets.example.com is forbidden: User \"{user}\" cannot list resource \"widgets\" in API group \"example.com\" in the namespace \"{ns}\"",
                JsonNode.Parse(await denied.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
        }

        using (var missing = await admin.GetAsync(new Uri(unknown, UriKind.Relative)))
        {
            Assert.Equal(404, (int)missing.StatusCode);
        }

        // A subresource the kind does not have, and a wrong method on a known resource: 403 first as well.
        using (var status = await http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps/c/status", UriKind.Relative)))
        {
            Assert.Equal(403, (int)status.StatusCode);
        }

        using (var post = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps/c", UriKind.Relative), new StringContent("{}")))
        {
            Assert.Equal(403, (int)post.StatusCode);
        }

        // A path that is not an API resource: the method is the verb of a non-resource request.
        using (var path = await http.GetAsync(new Uri("/not-an-api", UriKind.Relative)))
        {
            Assert.Equal(403, (int)path.StatusCode);
            Assert.Equal($"forbidden: User \"{user}\" cannot get path \"/not-an-api\"",
                JsonNode.Parse(await path.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
        }

        using (var path = await admin.GetAsync(new Uri("/not-an-api", UriKind.Relative)))
        {
            Assert.Equal(404, (int)path.StatusCode);
        }

        Assert.Contains(fx.Admin.Server.Denials.Denied, d => d.User == user && d.Verb == "list" && d.Resource == "widgets" && d.ApiGroup == "example.com");
    }

    [Fact]
    public async Task A_list_or_watch_for_one_name_is_authorized_by_resource_names()
    {
        var (ns, user) = await NewServiceAccountAsync();
        await fx.Admin.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new() { Name = "one-only" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get", "list", "watch"], ResourceNames = ["one"] }],
        }, ns);
        await BindAsync(ns, "one-only", "Role", "one-only");
        await fx.Admin.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "one" } }, ns);
        using var client = fx.ClientFor(user);

        var list = await client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=one");
        Assert.Equal("one", Assert.Single(list.Items).Metadata.Name);

        var all = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync(ns));
        Assert.Equal(403, (int)all.Response.StatusCode);
        var other = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name==two"));
        Assert.Equal($"configmaps \"two\" is forbidden: User \"{user}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"",
            Body(other)["message"]!.GetValue<string>());
        var negated = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name!=two"));
        Assert.Equal(403, (int)negated.Response.StatusCode);

        using var http = fx.HttpFor(user);
        using var watch = await http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?watch=true&fieldSelector=metadata.name%3Done&timeoutSeconds=1", UriKind.Relative));
        Assert.Equal(200, (int)watch.StatusCode);
    }

    [Fact]
    public async Task Impersonation_acts_as_the_named_user_and_needs_the_impersonate_verb()
    {
        var (ns, user) = await NewServiceAccountAsync();

        // The admin (system:masters) may impersonate: kubectl --as answers for the ServiceAccount, not the admin.
        var asSa = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "auth", "can-i", "create", "secrets", "-n", ns, $"--as={user}");
        Assert.True(asSa.ExitCode == 1 && asSa.StdOut.Trim().StartsWith("no", StringComparison.Ordinal), $"exit {asSa.ExitCode}: {asSa.StdOut} {asSa.StdErr}");
        var get = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "get", "secrets", "-n", ns, $"--as={user}");
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains($"secrets is forbidden: User \"{user}\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{ns}\"", get.StdErr, StringComparison.Ordinal);
        await BindAsync(ns, "editor", "ClusterRole", "edit");
        var yes = await Kubectl.RunOnceAsync(fx.Admin.KubeconfigPath, "auth", "can-i", "create", "secrets", "-n", ns, $"--as={user}");
        Assert.True(yes.ExitCode == 0, $"exit {yes.ExitCode}: {yes.StdOut} {yes.StdErr}");

        // A ServiceAccount may not impersonate unless granted the verb on that very user.
        using var http = fx.HttpFor(user);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps");
        request.Headers.Add("Impersonate-User", "someone");
        using var denied = await http.SendAsync(request);
        Assert.Equal(403, (int)denied.StatusCode);
        Assert.Equal($"users \"someone\" is forbidden: User \"{user}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            JsonNode.Parse(await denied.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());

        using var groupsOnly = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps");
        groupsOnly.Headers.Add("Impersonate-Group", "system:masters");
        using var bad = await http.SendAsync(groupsOnly);
        Assert.Equal(400, (int)bad.StatusCode);
    }
}
