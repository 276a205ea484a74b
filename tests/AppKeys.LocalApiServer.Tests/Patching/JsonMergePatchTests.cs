using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Patching;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Patching;

public class JsonMergePatchTests
{
    // RFC 7386 appendix A, plus kube-relevant cases.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    [InlineData("""{"metadata":{"labels":{"a":"1"}}}""", """{"metadata":{"labels":{"b":"2"}}}""", """{"metadata":{"labels":{"a":"1","b":"2"}}}""")]
    [InlineData("""{"metadata":{"finalizers":["a","b"]}}""", """{"metadata":{"finalizers":["c"]}}""", """{"metadata":{"finalizers":["c"]}}""")]
    public void Applies_rfc7386(string target, string patch, string expected)
    {
        AssertJsonEqual(expected, JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch)));
    }

    [Fact]
    public void Does_not_mutate_inputs()
    {
        var target = Json("""{"a":{"b":1},"c":[1]}""");
        var patch = Json("""{"a":{"b":null,"d":{"e":1}},"c":[2]}""");
        var before = (target.ToJsonString(), patch.ToJsonString());
        var result = JsonMergePatch.Apply(target, patch);
        AssertJsonEqual("""{"a":{"d":{"e":1}},"c":[2]}""", result);
        Assert.Equal(before, (target.ToJsonString(), patch.ToJsonString()));
    }
}
