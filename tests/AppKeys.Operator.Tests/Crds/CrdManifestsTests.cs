using AppKeys.Manifests;
using AppKeys.Operator.Dev;

namespace AppKeys.Operator.Tests.Crds;

public class CrdManifestsTests
{
    [Fact]
    public void Checked_in_crds_match_the_csharp_types()
    {
        var dir = RepositoryRoot.Combine("config", "crd", "bases");
        var temp = Directory.CreateTempSubdirectory("appkeys-crds-");
        try
        {
            CrdWriter.WriteAll(temp.FullName);
            var expected = Directory.GetFiles(temp.FullName).Select(Path.GetFileName).Order().ToList();
            var actual = Directory.GetFiles(dir, "*.yaml").Select(Path.GetFileName).Order().ToList();
            Assert.True(expected.SequenceEqual(actual), $"config/crd/bases has [{string.Join(", ", actual)}] but the types generate [{string.Join(", ", expected)}]: run `make manifests`");
            foreach (var file in expected)
            {
                var generated = File.ReadAllText(Path.Combine(temp.FullName, file!));
                var checkedIn = File.ReadAllText(Path.Combine(dir, file!)).ReplaceLineEndings("\n");
                Assert.True(generated == checkedIn, $"config/crd/bases/{file} drifted from the C# types: run `make manifests` and commit the result");
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void Generated_yaml_round_trips_to_the_same_crd()
    {
        foreach (var (_, yaml) in CrdWriter.Render())
        {
            var document = Assert.Single(ManifestFiles.ReadDocuments(yaml));
            var crd = k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>(document.ToJsonString());
            Assert.Equal(yaml, CrdWriter.Header + "---\n" + YamlManifests.ToYaml(crd));
        }
    }
}
