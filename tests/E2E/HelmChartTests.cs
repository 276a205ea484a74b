using System.Text.Json.Nodes;
using AppKeys.E2E.Tests.Support;

namespace AppKeys.E2E.Tests;

/// <summary>
/// The chart checks Helm itself cannot make: CRDs and RBAC rules identical to config/ (the chart's copies are
/// generated), and defaults that match the kustomize Deployment. Helm's own checks (lint --strict, template, the
/// values schema, install/upgrade/rollback/uninstall) are in <see cref="HelmInstallTests"/>.
/// </summary>
public sealed class HelmChartTests
{
    private static readonly string Chart = RepositoryRoot.Combine("charts", "appkeys-operator");

    private static JsonNode Values => Yaml.Load(File.ReadAllText(Path.Combine(Chart, "values.yaml")))!;

    [Fact]
    public void Chart_crds_are_exactly_config_crd_bases()
    {
        var bases = RepositoryRoot.Combine("config", "crd", "bases");
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
            ["auth_delegator_role.yaml"] = "auth-delegator-role.yaml",
            ["token_introspector_role.yaml"] = "token-introspector-role.yaml",
            ["../components/rollout-restart/role.yaml"] = "rollout-restart-role.yaml", // rolloutRestart.enabled
        };
        foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("config", "rbac"), "*_role.yaml").Select(Path.GetFileName))
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
            var expected = Yaml.Load(File.ReadAllText(RepositoryRoot.Combine("config", "rbac", source)))!["rules"]!;
            var text = File.ReadAllText(Path.Combine(Chart, "templates", "rbac", template));
            var rulesBlock = text[text.IndexOf("\nrules:", StringComparison.Ordinal)..text.LastIndexOf("{{- end }}", StringComparison.Ordinal)];
            Assert.True(
                JsonNode.DeepEquals(expected, Yaml.Load(rulesBlock)!["rules"]),
                $"templates/rbac/{template} rules differ from config/rbac/{source}: run 'make manifests'");
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
}
