using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Tests.Server;

namespace AppKeys.LocalApiServer.Tests.Cli;

/// <summary>
/// One server per test class with the <c>widgets.example.com</c> CRD installed before kubectl first runs, and one
/// kubectl (isolated HOME and discovery cache shared by the class's tests). Fails, never skips, without kubectl.
/// </summary>
public sealed class KubectlFixture : IAsyncLifetime
{
    /// <summary>A namespaced CRD with a status subresource, printer columns (one wide-only, one date) and a short name.</summary>
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget, shortNames: [wd], categories: [all]}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            additionalPrinterColumns:
            - {name: Size, type: integer, jsonPath: .spec.size}
            - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
            - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    description: What the widget should be.
                    properties:
                      size: {type: integer, minimum: 0, description: How big the widget is.}
                      color: {type: string}
                  status:
                    type: object
                    properties:
                      conditions:
                        type: array
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string}
                            status: {type: string}
                            reason: {type: string}
        """;

    public ApiServerFixture Api { get; } = new();

    public Kubectl Kubectl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api.Options.EventWindow = 1000;
        await Api.InitializeAsync();
        var crd = Objects.YamlToJson.Convert(WidgetCrd)!.ToJsonString();
        var (code, body, _) = await Api.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        Assert.True(code == 201, body?.ToJsonString());
        Kubectl = new Kubectl(Api.KubeconfigPath);
    }

    public async Task DisposeAsync()
    {
        Kubectl?.Dispose();
        await Api.DisposeAsync();
    }

    public Task<string> NewNamespaceAsync() => Api.NewNamespaceAsync();

    /// <summary>Runs kubectl and asserts it succeeded; returns stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var r = await Kubectl.RunAsync(args);
        Assert.True(r.ExitCode == 0, $"kubectl {string.Join(' ', args)}\n{r}");
        return r.StdOut;
    }

    /// <summary>Runs kubectl with a manifest on stdin and asserts it succeeded with nothing on stderr; returns stdout.</summary>
    public async Task<string> OkStdinAsync(string manifest, params string[] args)
    {
        var r = await Kubectl.RunAsync(args, manifest);
        Assert.True(r.ExitCode == 0 && r.StdErr.Length == 0, $"kubectl {string.Join(' ', args)}\n{r}");
        return r.StdOut;
    }

    /// <summary>Runs kubectl and asserts it failed; returns the result.</summary>
    public async Task<ProcessResult> FailAsync(params string[] args)
    {
        var r = await Kubectl.RunAsync(args);
        Assert.True(r.ExitCode != 0, $"kubectl {string.Join(' ', args)} should fail\n{r}");
        return r;
    }

    /// <summary>GET over HTTP as the admin; null on 404.</summary>
    public async Task<JsonObject?> GetAsync(string path)
    {
        var (code, body, _) = await Api.SendAsync(HttpMethod.Get, path);
        if (code == 404)
        {
            return null;
        }
        Assert.True(code == 200, $"GET {path}: {code} {body?.ToJsonString()}");
        return body!.AsObject();
    }

    /// <summary>
    /// Parses kubectl's table output into rows keyed by header; cells are cut at the header columns' positions so
    /// empty cells stay empty (kubectl pads columns with at least three spaces).
    /// </summary>
    public static List<Dictionary<string, string>> Table(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 0, "no table output");
        var headers = System.Text.RegularExpressions.Regex.Matches(lines[0], @"\S+(?: {1,2}\S+)*").ToList();
        var rows = new List<Dictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < headers.Count; i++)
            {
                var start = headers[i].Index;
                var end = i + 1 < headers.Count ? headers[i + 1].Index : line.Length;
                row[headers[i].Value] = start >= line.Length ? "" : line[start..Math.Min(end, line.Length)].Trim();
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The header names of kubectl's table output.</summary>
    public static List<string> Headers(string stdout) =>
        [.. System.Text.RegularExpressions.Regex.Matches(stdout.Split('\n')[0], @"\S+(?: {1,2}\S+)*").Select(m => m.Value)];

    /// <summary>
    /// A Widget manifest. No <c>labels: {}</c> when there are none: kube omits empty maps, so kubectl's three-way
    /// merge would see an addition and report "configured" on every re-apply (against a real cluster too).
    /// </summary>
    public static string Widget(string ns, string name, int size, string? color = null, string? labels = null)
    {
        var labelLine = labels is null ? "" : "  labels: " + labels + "\n";
        var colorLine = color is null ? "" : "  color: " + color + "\n";
        return "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n"
            + labelLine + "spec:\n  size: " + size + "\n" + colorLine;
    }
}
