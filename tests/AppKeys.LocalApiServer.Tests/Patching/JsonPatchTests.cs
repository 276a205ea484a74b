using AppKeys.LocalApiServer.Patching;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Patching;

public class JsonPatchTests
{
    // RFC 6902 appendix A.
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""")]
    [InlineData("""{"a/b":1}""", """[{"op":"replace","path":"/a~1b","value":2}]""", """{"a/b":2}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"copy","from":"/foo","path":"/baz"}]""", """{"foo":"bar","baz":"bar"}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"","value":{"x":1}}]""", """{"x":1}""")]
    [InlineData("""{"metadata":{"finalizers":["a","b"]}}""", """[{"op":"remove","path":"/metadata/finalizers/0"}]""", """{"metadata":{"finalizers":["b"]}}""")]
    public void Applies_rfc6902(string target, string patch, string expected)
    {
        AssertJsonEqual(expected, JsonPatch.Apply(Json(target), Json(patch)));
    }

    [Theory]
    [InlineData("""{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""", "testing value /baz failed: test failed")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]""", "testing value /~01 failed: test failed")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""", "add operation does not apply: doc is missing path: \"/baz/bat\": missing value")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", "Unable to remove nonexistent key: baz: missing value")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"replace","path":"/baz","value":1}]""", "replace operation does not apply: doc is missing key: /baz: missing value")]
    [InlineData("""{"foo":[1]}""", """[{"op":"add","path":"/foo/5","value":1}]""", "Unable to access invalid index: 5: invalid index referenced")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"move","from":"/x","path":"/y"}]""", "move operation does not apply: doc is missing from path: /x: missing value")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"frobnicate","path":"/foo"}]""", "Unexpected kind: frobnicate")]
    public void Rejects_with_422(string target, string patch, string message)
    {
        var ex = Assert.Throws<PatchException>(() => JsonPatch.Apply(Json(target), Json(patch)));
        Assert.Equal(message, ex.Message);
        Assert.Equal(422, ex.StatusCode);
    }

    [Fact]
    public void A_patch_that_is_not_an_array_is_400()
    {
        var ex = Assert.Throws<PatchException>(() => JsonPatch.Apply(Json("{}"), Json("""{"op":"add"}""")));
        Assert.Equal(400, ex.StatusCode);
    }

    [Fact]
    public void Does_not_mutate_inputs_and_is_atomic()
    {
        var target = Json("""{"a":1}""");
        Assert.Throws<PatchException>(() => JsonPatch.Apply(target, Json("""[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":9}]""")));
        AssertJsonEqual("""{"a":1}""", target);
    }
}
