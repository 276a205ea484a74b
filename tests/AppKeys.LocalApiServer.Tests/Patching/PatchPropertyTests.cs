using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Patching;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Patching;

/// <summary>
/// Property-style checks over seeded random documents (deterministic, so a failure reproduces): merge patch
/// round-trips a diff, strategic merge on list-free objects equals merge patch, and merging keyed lists keeps
/// every element exactly once with the patch's fields winning.
/// </summary>
public class PatchPropertyTests
{
    private const int Iterations = 300;

    private static JsonValue RandomScalar(Random rng) => rng.Next(4) switch
    {
        0 => JsonValue.Create(rng.Next(-5, 5))!,
        1 => JsonValue.Create(rng.Next(2) == 0)!,
        2 => JsonValue.Create("s" + rng.Next(6))!,
        _ => JsonValue.Create("x")!,
    };

    private static JsonObject RandomObject(Random rng, int depth, bool allowArrays)
    {
        var o = new JsonObject();
        var count = rng.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            var key = "k" + rng.Next(6);
            o[key] = rng.Next(4) switch
            {
                0 when depth > 0 => RandomObject(rng, depth - 1, allowArrays),
                1 when allowArrays => new JsonArray(RandomScalar(rng), RandomScalar(rng)),
                _ => RandomScalar(rng),
            };
        }

        return o;
    }

    // A merge patch that turns a into b (RFC 7386 section 2 inverse): nulls for removed keys, recursion into objects.
    private static JsonObject Diff(JsonObject a, JsonObject b)
    {
        var patch = new JsonObject();
        foreach (var (k, _) in a)
        {
            if (!b.ContainsKey(k))
            {
                patch[k] = null;
            }
        }

        foreach (var (k, v) in b)
        {
            if (a[k] is JsonObject ao && v is JsonObject bo)
            {
                var sub = Diff(ao, bo);
                if (sub.Count > 0)
                {
                    patch[k] = sub;
                }
            }
            else if (!a.ContainsKey(k) || !JsonNode.DeepEquals(a[k], v))
            {
                patch[k] = v?.DeepClone();
            }
        }

        return patch;
    }

    [Fact]
    public void Merge_patch_of_a_diff_reproduces_the_target()
    {
        var rng = new Random(20260101);
        for (var i = 0; i < Iterations; i++)
        {
            var a = RandomObject(rng, 3, allowArrays: true);
            var b = RandomObject(rng, 3, allowArrays: true);
            var result = JsonMergePatch.Apply(a, Diff(a, b));
            Assert.True(JsonNode.DeepEquals(b, result), $"seed iteration {i}: {a.ToJsonString()} -> {b.ToJsonString()} gave {result?.ToJsonString()}");
        }
    }

    [Fact]
    public void Strategic_merge_without_lists_equals_merge_patch()
    {
        var rng = new Random(424242);
        var configMap = BuiltIn("", "v1", "ConfigMap");
        for (var i = 0; i < Iterations; i++)
        {
            var a = RandomObject(rng, 3, allowArrays: false);
            var patch = RandomObject(rng, 3, allowArrays: false);
            foreach (var key in patch.Select(p => p.Key).ToList())
            {
                if (rng.Next(5) == 0)
                {
                    patch[key] = null;
                }
            }

            var expected = JsonMergePatch.Apply(a, patch);
            var actual = StrategicMergePatch.Apply(a, patch, configMap);
            Assert.True(JsonNode.DeepEquals(expected, actual), $"iteration {i}: {a.ToJsonString()} + {patch.ToJsonString()}: {expected?.ToJsonString()} vs {actual.ToJsonString()}");
        }
    }

    [Fact]
    public void Keyed_list_merge_keeps_each_element_once_with_patch_fields_winning()
    {
        var rng = new Random(7);
        for (var i = 0; i < Iterations; i++)
        {
            var original = RandomContainers(rng);
            var patch = RandomContainers(rng);
            var deleted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in patch.OfType<JsonObject>().Where(_ => rng.Next(6) == 0).ToList())
            {
                deleted.Add((string)c["name"]!);
                c.Clear();
                c["name"] = deleted.Last();
                c["$patch"] = "delete";
            }

            var result = StrategicMergePatch.Apply(
                new JsonObject { ["spec"] = new JsonObject { ["containers"] = original.DeepClone() } },
                new JsonObject { ["spec"] = new JsonObject { ["containers"] = patch.DeepClone() } },
                Pod)["spec"]!["containers"]!.AsArray();

            var names = result.Select(c => (string)c!["name"]!).ToList();
            var expectedNames = original.Concat(patch).Select(c => (string)c!["name"]!).Where(n => !deleted.Contains(n)).Distinct().ToHashSet();
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.True(expectedNames.SetEquals(names), $"iteration {i}: {string.Join(',', names)} vs {string.Join(',', expectedNames)}");
            foreach (var c in result.OfType<JsonObject>())
            {
                var name = (string)c["name"]!;
                var fromPatch = patch.OfType<JsonObject>().FirstOrDefault(p => (string)p["name"]! == name);
                var fromOriginal = original.OfType<JsonObject>().FirstOrDefault(p => (string)p["name"]! == name);
                foreach (var field in (string[])["image", "tag"])
                {
                    var expected = fromPatch?[field] ?? fromOriginal?[field];
                    Assert.True(JsonNode.DeepEquals(expected, c[field]), $"iteration {i}: {name}.{field}");
                }
            }

            // Server-only elements keep their live order; patched elements follow the patch's order.
            var patchNames = patch.Select(c => (string)c!["name"]!).Where(n => !deleted.Contains(n)).ToList();
            var serverOnly = original.Select(c => (string)c!["name"]!).Where(n => !patchNames.Contains(n) && !deleted.Contains(n)).ToList();
            Assert.Equal(serverOnly, names.Where(serverOnly.Contains).ToList());
            Assert.Equal(patchNames, names.Where(patchNames.Contains).ToList());
        }
    }

    private static JsonArray RandomContainers(Random rng)
    {
        var list = new JsonArray();
        var used = new HashSet<int>();
        var count = rng.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            var n = rng.Next(8);
            if (!used.Add(n))
            {
                continue;
            }

            var c = new JsonObject { ["name"] = "c" + n };
            if (rng.Next(2) == 0)
            {
                c["image"] = "img" + rng.Next(3);
            }

            if (rng.Next(2) == 0)
            {
                c["tag"] = rng.Next(3);
            }

            list.Add(c);
        }

        return list;
    }
}
