using System.Net.Sockets;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Faults;
using AppKeys.LocalApiServer.Tests.Server;
using k8s;
using static AppKeys.LocalApiServer.Tests.Persistence.DataDirectoryHarness;

namespace AppKeys.LocalApiServer.Tests.Persistence;

/// <summary>
/// DataDirectory persistence: a server started on the directory of a stopped (or restarted) one serves the same
/// objects with the same uids and resourceVersions, continues the resourceVersion counter, serves its CRDs again
/// and answers watches from before the restart with 410 Expired (kube-apiserver restarted with an empty watch cache).
/// </summary>
public sealed class PersistenceTests
{
    private const string Crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"gadgets.persist.example.com"},
         "spec":{"group":"persist.example.com","scope":"Namespaced",
           "names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","shortNames":["gd"]},
           "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
             "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}],
             "schema":{"openAPIV3Schema":{"type":"object","properties":{
               "spec":{"type":"object","properties":{"size":{"type":"integer","description":"How big."}}},
               "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}}
        """;

    /// <summary>One object of every kind the server stores, plus updates, patches, status, finalizers and a delete.</summary>
    private static async Task PopulateAsync(HttpClient http)
    {
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"p1","labels":{"team":"a"}}}""");
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/p1/secrets",
            """{"metadata":{"name":"s"},"type":"Opaque","data":{"a":"YQ=="},"stringData":{"b":"bee"}}""");
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/p1/configmaps", """{"metadata":{"name":"cm"},"data":{"k":"v"}}""");
        await OkAsync(http, HttpMethod.Put, "/api/v1/namespaces/p1/configmaps/cm", """{"metadata":{"name":"cm"},"data":{"k":"v2"}}""");
        await OkAsync(http, HttpMethod.Patch, "/api/v1/namespaces/p1/configmaps/cm", """{"metadata":{"labels":{"x":"y"}}}""",
            "application/strategic-merge-patch+json");
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/p1/serviceaccounts", """{"metadata":{"name":"sa"}}""");
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/p1/services",
            """{"metadata":{"name":"svc"},"spec":{"ports":[{"port":80}]}}""");
        await OkAsync(http, HttpMethod.Post, "/apis/coordination.k8s.io/v1/namespaces/p1/leases",
            """{"metadata":{"name":"lease"},"spec":{"holderIdentity":"me","leaseDurationSeconds":15,"renewTime":"2026-11-24T03:00:00.123456Z"}}""");
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/p1/events",
            """{"metadata":{"name":"ev"},"involvedObject":{"kind":"ConfigMap","name":"cm","namespace":"p1"},"reason":"R","message":"m","type":"Normal"}""");
        await OkAsync(http, HttpMethod.Post, "/apis/apps/v1/namespaces/p1/deployments",
            """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""");
        await OkAsync(http, HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/namespaces/p1/roles",
            """{"metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]}""");
        await OkAsync(http, HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/namespaces/p1/rolebindings",
            """{"metadata":{"name":"rb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"ServiceAccount","name":"sa","namespace":"p1"}]}""");
        await OkAsync(http, HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            """{"metadata":{"name":"persist-cr"},"rules":[{"apiGroups":[""],"resources":["namespaces"],"verbs":["list"]}]}""");
        await OkAsync(http, HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            """{"metadata":{"name":"persist-crb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"persist-cr"},"subjects":[{"kind":"User","name":"u"}]}""");
        await OkAsync(http, HttpMethod.Post, "/apis/policy/v1/namespaces/p1/poddisruptionbudgets",
            """{"metadata":{"name":"pdb"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"a":"b"}}}}""");
        await OkAsync(http, HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
        await OkAsync(http, HttpMethod.Post, "/apis/persist.example.com/v1/namespaces/p1/gadgets",
            """{"apiVersion":"persist.example.com/v1","kind":"Gadget","metadata":{"name":"g"},"spec":{"size":3}}""");
        await OkAsync(http, HttpMethod.Patch, "/apis/persist.example.com/v1/namespaces/p1/gadgets/g/status",
            """{"status":{"ready":true}}""", "application/merge-patch+json");
        await OkAsync(http, HttpMethod.Patch, "/apis/persist.example.com/v1/namespaces/p1/gadgets/g",
            """{"spec":{"size":4}}""", "application/merge-patch+json");
        // A terminating object held by a finalizer, and one deleted for good.
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/p1/configmaps",
            """{"metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
        await OkAsync(http, HttpMethod.Delete, "/api/v1/namespaces/p1/configmaps/held");
        await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/p1/configmaps", """{"metadata":{"name":"gone"}}""");
        await OkAsync(http, HttpMethod.Delete, "/api/v1/namespaces/p1/configmaps/gone");
    }

    [Fact]
    public async Task A_new_server_on_the_directory_serves_every_object_unchanged()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        using (var http = h.Http())
        {
            await PopulateAsync(http);
        }
        var before = h.Dump();
        var revision = h.Server.ResourceVersion;
        Assert.Contains(before.Keys, k => k.StartsWith("persist.example.com/gadgets p1/g", StringComparison.Ordinal));

        await h.StopAndStartAsync();

        Assert.Equal(before, h.Dump());
        Assert.Equal(revision, h.Server.ResourceVersion);
        var recovery = h.Server.Recovery!;
        Assert.True(recovery.FoundState);
        Assert.Equal(revision, recovery.Revision);
        Assert.Equal(before.Count, recovery.Objects);
        Assert.Null(recovery.Discarded);

        using var after = h.Http();
        // The CRD is served again: its objects, discovery and OpenAPI.
        var gadget = await OkAsync(after, HttpMethod.Get, "/apis/persist.example.com/v1/namespaces/p1/gadgets/g");
        Assert.Equal(4, gadget["spec"]!["size"]!.GetValue<int>());
        Assert.True(gadget["status"]!["ready"]!.GetValue<bool>());
        Assert.Equal(2, gadget["metadata"]!["generation"]!.GetValue<int>());
        var discovery = await OkAsync(after, HttpMethod.Get, "/apis/persist.example.com/v1");
        Assert.Contains(discovery["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "gadgets");
        var openapi = await OkAsync(after, HttpMethod.Get, "/openapi/v3");
        Assert.NotNull(openapi["paths"]!["apis/persist.example.com/v1"]);
        // Secrets keep their data (stringData merged at write time).
        var secret = await OkAsync(after, HttpMethod.Get, "/api/v1/namespaces/p1/secrets/s");
        Assert.Equal("YmVl", secret["data"]!["b"]!.GetValue<string>());
        // The terminating object is still terminating; removing its finalizer deletes it now.
        var held = await OkAsync(after, HttpMethod.Get, "/api/v1/namespaces/p1/configmaps/held");
        Assert.NotNull(held["metadata"]!["deletionTimestamp"]);
        await OkAsync(after, HttpMethod.Patch, "/api/v1/namespaces/p1/configmaps/held",
            """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        Assert.Equal(404, (await SendAsync(after, HttpMethod.Get, "/api/v1/namespaces/p1/configmaps/held")).Code);
        Assert.Equal(404, (await SendAsync(after, HttpMethod.Get, "/api/v1/namespaces/p1/configmaps/gone")).Code);
    }

    [Fact]
    public async Task ResourceVersions_continue_above_every_one_handed_out_before()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        long deletedAt;
        using (var http = h.Http())
        {
            await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"a"}}""");
            // The last write before the stop is a delete: its resourceVersion exists only in the journal.
            var status = await OkAsync(http, HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/a");
            Assert.Equal("Success", status["status"]!.GetValue<string>());
            deletedAt = h.Server.ResourceVersion;
        }
        for (var round = 0; round < 3; round++)
        {
            if (round == 1)
            {
                await h.Server.RestartAsync();
            }
            else
            {
                await h.StopAndStartAsync();
            }
            Assert.Equal(deletedAt, h.Server.ResourceVersion);
            using var http = h.Http();
            var created = await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"r{{{round}}}"}}""");
            Assert.Equal(deletedAt + 1, Rv(created));
            deletedAt = Rv(created);
        }
    }

    [Fact]
    public async Task RestartAsync_keeps_the_address_CA_and_tokens_and_clients_reconnect()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        var address = h.Server.BaseAddress;
        var ca = h.Server.CertificateAuthorityPem;
        var saToken = h.Server.IssueToken("system:serviceaccount:default:robot");
        var kubeconfig = Path.Combine(h.Directory, "kubeconfig");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        using var http = h.Http();
        using var robot = h.Http(saToken);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new() { Metadata = new() { Name = "before" } }, "default");

        var restart = h.Server.Faults.RestartAsync(TimeSpan.FromSeconds(1), RestartMode.Full);
        // While it is down nothing listens: a real restart is "connection refused", not a reset.
        await ApiServerFixture.EventuallyAsync(async () =>
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync("127.0.0.1", address.Port);
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        }, "the port to refuse connections during the restart");
        await restart;

        Assert.Equal(1, h.Server.Restarts);
        Assert.Equal(1, h.Server.Faults.Counts[FaultKind.Restart]);
        Assert.Equal(address, h.Server.BaseAddress);
        Assert.Equal(ca, h.Server.CertificateAuthorityPem);
        // The same clients (same kubeconfig, same HttpClient pools) work again.
        Assert.Equal("before", (await client.CoreV1.ReadNamespacedConfigMapAsync("before", "default")).Metadata.Name);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new() { Metadata = new() { Name = "after" } }, "default");
        Assert.Equal(200, (await SendAsync(robot, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/after")).Code);

        // A new server (a new process) on the directory keeps them too.
        await h.StopAndStartAsync();
        Assert.Equal(address, h.Server.BaseAddress);
        Assert.Equal(ca, h.Server.CertificateAuthorityPem);
        Assert.Equal(200, (await SendAsync(robot, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/after")).Code);
        Assert.Equal("after", (await client.CoreV1.ReadNamespacedConfigMapAsync("after", "default")).Metadata.Name);
        using var unknown = h.Http("not-a-token");
        Assert.Equal(401, (await SendAsync(unknown, HttpMethod.Get, "/api/v1/namespaces")).Code);
    }

    [Fact]
    public async Task Data_directory_files_are_owner_only_and_tokens_are_stored_as_digests()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        var saToken = h.Server.IssueToken("system:serviceaccount:default:robot");
        using (var http = h.Http())
        {
            await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/secrets", """{"metadata":{"name":"s"},"stringData":{"k":"v"}}""");
        }
        await h.StopAndStartAsync();
        var files = Directory.GetFiles(h.Directory);
        foreach (var name in new[] { "snapshot.jsonl", "journal.jsonl", "ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "tokens.json", "kubeconfig", "lock", "server.json" })
        {
            Assert.Contains(Path.Combine(h.Directory, name), files);
        }
        foreach (var file in files)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        var tokens = await File.ReadAllTextAsync(Path.Combine(h.Directory, "tokens.json"));
        Assert.DoesNotContain(saToken, tokens, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watches_from_before_a_restart_are_expired_and_from_the_current_version_resume()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        long old;
        using (var http = h.Http())
        {
            old = Rv(await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"w1"}}"""));
            await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"w2"}}""");
        }
        await h.Server.RestartAsync();
        var current = h.Server.ResourceVersion;
        using var client = h.Http();

        await using (var stream = await WatchStream.OpenAsync(client, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={old}"))
        {
            var error = (await stream.NextAsync())!;
            Assert.Equal("ERROR", error["type"]!.GetValue<string>());
            Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
            Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
        }
        // A list's resourceVersion from before the restart cannot be read exactly either.
        var (code, _) = await SendAsync(client, HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?resourceVersion={old}&resourceVersionMatch=Exact");
        Assert.Equal(410, code);

        await using (var stream = await WatchStream.OpenAsync(client, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={current}"))
        {
            await OkAsync(client, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"w3"}}""");
            var added = (await stream.NextAsync())!;
            Assert.Equal("ADDED", added["type"]!.GetValue<string>());
            Assert.Equal("w3", added["object"]!["metadata"]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Garbage_collection_and_foreground_deletion_resume_after_a_restart()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        using (var http = h.Http())
        {
            var owner = await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                """{"metadata":{"name":"owner","finalizers":["example.com/hold"]}}""");
            var uid = owner["metadata"]!["uid"]!.GetValue<string>();
            await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                $$$"""{"metadata":{"name":"child","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{{{uid}}}","blockOwnerDeletion":true}]}}""");
            await OkAsync(http, HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/owner", """{"propagationPolicy":"Foreground"}""");
            // The collector removes the child and then the foregroundDeletion finalizer; "hold" keeps the owner.
            await ApiServerFixture.EventuallyAsync(async () =>
                (await SendAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/child")).Code == 404
                && (await OkAsync(http, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/owner"))["metadata"]!["finalizers"]!.AsArray().Count == 1,
                "the foreground deletion to reach the owner's own finalizer");
        }
        await h.Server.RestartAsync();
        using var after = h.Http();
        var kept = await OkAsync(after, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/owner");
        Assert.NotNull(kept["metadata"]!["deletionTimestamp"]);
        Assert.Equal("example.com/hold", kept["metadata"]!["finalizers"]![0]!.GetValue<string>());

        // An orphan written before the restart (its owner's uid absent) is collected by the new instance.
        await OkAsync(after, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"metadata":{"name":"orphan-owner"}}""");
        var lateOwner = await OkAsync(after, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/orphan-owner");
        await OkAsync(after, HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            $$$"""{"metadata":{"name":"late-child","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"orphan-owner","uid":"{{{lateOwner["metadata"]!["uid"]!.GetValue<string>()}}}"}]}}""");
        await OkAsync(after, HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/orphan-owner", """{"propagationPolicy":"Orphan"}""");
        await h.Server.RestartAsync();
        using var third = h.Http();
        var child = await OkAsync(third, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/late-child");
        Assert.Null(child["metadata"]!["ownerReferences"]);
        await OkAsync(third, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/owner",
            """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        Assert.Equal(404, (await SendAsync(third, HttpMethod.Get, "/api/v1/namespaces/default/configmaps/owner")).Code);
    }

    [Fact]
    public async Task A_second_server_on_the_same_directory_is_refused()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        var ex = await Assert.ThrowsAsync<IOException>(() => LocalKubernetesApiServer.StartAsync(h.Options()));
        Assert.Contains("in use by another local API server", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartAsync_without_a_data_directory_is_refused()
    {
        await using var server = await LocalKubernetesApiServer.StartAsync(new LocalApiServerOptions());
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.RestartAsync());
        Assert.Null(server.Recovery);
        Assert.Null(server.DataDirectory);
    }

    [Fact]
    public async Task Compaction_snapshots_the_store_and_a_restart_reads_it_back()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync(h.Options(compactAfter: 7));
        using (var http = h.Http())
        {
            for (var i = 0; i < 30; i++)
            {
                await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"c{{{i}}}"},"data":{"i":"{{{i}}}"}}""");
                if (i % 3 == 0)
                {
                    await OkAsync(http, HttpMethod.Delete, $"/api/v1/namespaces/default/configmaps/c{i}");
                }
            }
        }
        Assert.True(h.Server.Journal!.Compactions >= 5, $"compactions: {h.Server.Journal.Compactions}");
        Assert.True(h.Server.Journal.Entries < 7);
        var before = h.Dump();
        await h.StopAndStartAsync(h.Options(compactAfter: 7));
        Assert.Equal(before, h.Dump());
        Assert.True(h.Server.Recovery!.SnapshotObjects > 0);
    }

    [Fact]
    public async Task Kubectl_reads_the_store_and_the_CRD_after_a_restart()
    {
        await using var h = new DataDirectoryHarness();
        await h.StartAsync();
        using (var http = h.Http())
        {
            await OkAsync(http, HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"p1"}}""");
            await OkAsync(http, HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd);
            await OkAsync(http, HttpMethod.Post, "/apis/persist.example.com/v1/namespaces/p1/gadgets",
                """{"apiVersion":"persist.example.com/v1","kind":"Gadget","metadata":{"name":"g"},"spec":{"size":3}}""");
        }
        await h.Server.RestartAsync();
        var kubeconfig = Path.Combine(h.Directory, "kubeconfig");

        var get = await Kubectl.RunOnceAsync(kubeconfig, "get", "gd", "-n", "p1");
        Assert.True(get.ExitCode == 0, get.StdErr);
        Assert.Contains("SIZE", get.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"g\s+3", get.StdOut);
        var json = await Kubectl.RunOnceAsync(kubeconfig, "get", "gadget", "g", "-n", "p1", "-o", "json");
        Assert.True(json.ExitCode == 0, json.StdErr);
        Assert.Equal(3, JsonNode.Parse(json.StdOut)!["spec"]!["size"]!.GetValue<int>());
        var explain = await Kubectl.RunOnceAsync(kubeconfig, "explain", "gadgets.spec.size");
        Assert.True(explain.ExitCode == 0, explain.StdErr);
        Assert.Contains("How big.", explain.StdOut, StringComparison.Ordinal);
    }
}
