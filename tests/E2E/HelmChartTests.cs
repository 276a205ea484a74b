using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AppKeys.E2E.Tests.Support;
using NJsonSchema;

namespace AppKeys.E2E.Tests;

/// <summary>
/// helm cannot be installed here, so the chart is held to every check that needs no helm: the values against
/// their schema, the non-template YAML, CRDs and RBAC identical to config/, and templates that only reference
/// values and helpers that exist. `make helm-lint` adds `helm lint`/`helm template` where helm exists.
/// </summary>
public sealed partial class HelmChartTests
{
    private static readonly string Chart = RepoPaths.Combine("charts", "appkeys-operator");

    private static JsonNode Values => Yaml.Load(File.ReadAllText(Path.Combine(Chart, "values.yaml")))!;

    private static Task<JsonSchema> SchemaAsync() => JsonSchema.FromFileAsync(Path.Combine(Chart, "values.schema.json"));

    [Fact]
    public async Task Values_yaml_satisfies_values_schema_json()
    {
        var errors = (await SchemaAsync()).Validate(Values.ToJsonString());
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Theory]
    [InlineData("replicaCount", "\"two\"")]
    [InlineData("image.pullPolicy", "\"Sometimes\"")]
    [InlineData("leaderElection.enabled", "\"yes\"")]
    [InlineData("metrics.port", "70000")]
    [InlineData("extraArgs", "[\"leader-elect\"]")]
    [InlineData("watchNamespaces", "[\"Team_A\"]")]
    [InlineData("watchNamespaces", "\"team-a\"")]
    [InlineData("unknownTopLevel", "1")]
    [InlineData("metrics.serviceMonitor.unknown", "true")]
    public async Task Values_schema_rejects_mistakes(string path, string json)
    {
        var values = Values.DeepClone();
        var segments = path.Split('.');
        var parent = segments[..^1].Aggregate(values, (node, key) => node[key]!);
        parent[segments[^1]] = JsonNode.Parse(json);
        Assert.NotEmpty((await SchemaAsync()).Validate(values.ToJsonString()));
    }

    [Fact]
    public void Chart_yaml_is_a_helm_v2_chart_with_semantic_versions()
    {
        var chart = Yaml.Load(File.ReadAllText(Path.Combine(Chart, "Chart.yaml")))!;
        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("appkeys-operator", (string?)chart["name"]);
        Assert.Equal("application", (string?)chart["type"]);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", (string)chart["version"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)chart["appVersion"]));
    }

    [Fact]
    public void Chart_crds_are_exactly_config_crd_bases()
    {
        var bases = RepoPaths.Combine("config", "crd", "bases");
        var expected = Directory.Exists(bases) ? Directory.GetFiles(bases, "*.yaml").Select(Path.GetFileName).Order().ToList() : [];
        var actual = Directory.GetFiles(Path.Combine(Chart, "crds"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(expected, actual);
        foreach (var name in expected)
        {
            Assert.True(
                File.ReadAllText(Path.Combine(bases, name!)) == File.ReadAllText(Path.Combine(Chart, "crds", name!)),
                $"charts/appkeys-operator/crds/{name} differs from config/crd/bases/{name}: run 'make manifests'");
            var crd = Assert.Single(Yaml.LoadObjects(File.ReadAllText(Path.Combine(Chart, "crds", name!))));
            Assert.Equal("CustomResourceDefinition", crd.Kind());
        }
    }

    [Fact]
    public void Chart_rbac_rules_are_config_rbac_rules()
    {
        var pairs = new Dictionary<string, string>
        {
            ["role.yaml"] = "clusterrole.yaml",
            ["leader_election_role.yaml"] = "leader-election-role.yaml",
            ["namespace_role.yaml"] = "namespace-role.yaml",
        };
        foreach (var file in Directory.GetFiles(RepoPaths.Combine("config", "rbac"), "*_role.yaml").Select(Path.GetFileName))
        {
            if (file!.EndsWith("_editor_role.yaml", StringComparison.Ordinal) || file.EndsWith("_viewer_role.yaml", StringComparison.Ordinal))
            {
                pairs[file] = file.Replace("_role.yaml", "-role.yaml", StringComparison.Ordinal).Replace('_', '-');
            }
        }

        var templates = Directory.GetFiles(Path.Combine(Chart, "templates", "rbac"), "*-role.yaml").Select(Path.GetFileName)
            .Append("clusterrole.yaml");
        Assert.Equal(pairs.Values.Order(), templates.Distinct().Order());
        foreach (var (source, template) in pairs)
        {
            var expected = Yaml.Load(File.ReadAllText(RepoPaths.Combine("config", "rbac", source)))!["rules"]!;
            var text = File.ReadAllText(Path.Combine(Chart, "templates", "rbac", template));
            var rulesBlock = text[text.IndexOf("\nrules:", StringComparison.Ordinal)..text.LastIndexOf("{{- end }}", StringComparison.Ordinal)];
            Assert.True(
                JsonNode.DeepEquals(expected, Yaml.Load(rulesBlock)!["rules"]),
                $"templates/rbac/{template} rules differ from config/rbac/{source}: run 'make manifests'");
        }
    }

    [Fact]
    public void Non_template_files_are_well_formed_yaml()
    {
        var files = new[] { "Chart.yaml", "values.yaml" }.Select(f => Path.Combine(Chart, f))
            .Concat(Directory.GetFiles(Path.Combine(Chart, "crds"), "*.yaml"));
        foreach (var file in files)
        {
            var documents = Yaml.LoadAll(File.ReadAllText(file));
            Assert.True(documents.Count > 0 && documents.All(d => d is JsonObject), $"{file} is not a YAML mapping");
        }

        Assert.NotNull(JsonNode.Parse(File.ReadAllText(Path.Combine(Chart, "values.schema.json"))));
    }

    [Fact]
    public void Templates_reference_only_defined_helpers_and_existing_values()
    {
        var templates = Directory.GetFiles(Path.Combine(Chart, "templates"), "*", SearchOption.AllDirectories);
        var defined = templates.SelectMany(t => Define().Matches(File.ReadAllText(t)).Select(m => m.Groups[1].Value)).ToHashSet();
        var values = Values;
        foreach (var template in templates)
        {
            var text = File.ReadAllText(template);
            foreach (Match include in Include().Matches(text))
            {
                Assert.True(defined.Contains(include.Groups[1].Value), $"{Path.GetFileName(template)} includes undefined '{include.Groups[1].Value}'");
            }

            foreach (Match reference in ValuesReference().Matches(text))
            {
                JsonNode? node = values;
                foreach (var key in reference.Groups[1].Value.Split('.'))
                {
                    Assert.True(node is JsonObject obj && obj.ContainsKey(key), $"{Path.GetFileName(template)} uses .Values.{reference.Groups[1].Value}, which values.yaml does not define");
                    node = node![key];
                }
            }
        }
    }

    [Fact]
    public async Task Chart_defaults_match_the_kustomize_deployment()
    {
        var objects = await Manifests.KustomizeAsync("config/default");
        var pod = objects.Single("Deployment", "appkeys-operator")["spec"]!["template"]!["spec"]!;
        var manager = pod["containers"]!.AsArray().Single(c => (string?)c!["name"] == "manager")!;
        var values = Values;
        Assert.True(JsonNode.DeepEquals(pod["securityContext"], values["podSecurityContext"]), "podSecurityContext differs from config/manager");
        Assert.True(JsonNode.DeepEquals(manager["securityContext"], values["securityContext"]), "securityContext differs from config/manager");
        Assert.True(JsonNode.DeepEquals(manager["resources"], values["resources"]), "resources differ from config/manager");
        Assert.Equal((long)manager["ports"]![0]!["containerPort"]!, (long)values["metrics"]!["port"]!);

        var deployment = File.ReadAllText(Path.Combine(Chart, "templates", "deployment.yaml"));
        foreach (var path in new[] { (string)manager["livenessProbe"]!["httpGet"]!["path"]!, (string)manager["readinessProbe"]!["httpGet"]!["path"]! })
        {
            Assert.Contains($"path: {path}", deployment, StringComparison.Ordinal);
        }

        foreach (var env in manager["env"]!.AsArray())
        {
            Assert.Contains($"name: {(string)env!["name"]!}", deployment, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"define\s+""([^""]+)""")]
    private static partial Regex Define();

    [GeneratedRegex(@"include\s+""([^""]+)""")]
    private static partial Regex Include();

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_.]+)")]
    private static partial Regex ValuesReference();
}
