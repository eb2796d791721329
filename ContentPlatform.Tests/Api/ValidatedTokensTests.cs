using System.Security.Claims;
using System.Text;
using ContentPlatform.Api.Auth;
using Microsoft.IdentityModel.Tokens;

namespace ContentPlatform.Tests.Api;

// The remembered validations of the JWT bearer handler: a token found valid once is accepted without its signature
// being checked again, so what must still be refused is refused.
public sealed class ValidatedTokensTests
{
    private const string Key = "a-test-signing-key-of-at-least-32-bytes!";

    private static readonly JwtTokens Tokens = new(
        new JwtSigningKey(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), IsEphemeral: false),
        new JwtAudience(JwtAudience.DefaultIssuer, JwtAudience.DefaultAudience), TimeProvider.System);

    [Fact]
    public async Task A_remembered_token_is_still_accepted_and_each_answer_has_an_identity_of_its_own()
    {
        var validated = new ValidatedTokens();
        var userId = Guid.NewGuid();
        var token = Tokens.Issue(userId);

        var first = await validated.ValidateTokenAsync(token, Tokens.ValidationParameters.Clone());
        first.ClaimsIdentity.AddClaim(new Claim("added-by-one-request", "yes"));
        var second = await validated.ValidateTokenAsync(token, Tokens.ValidationParameters.Clone());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(userId, new ClaimsPrincipal(second.ClaimsIdentity).TryGetUserId());
        Assert.Null(second.ClaimsIdentity.FindFirst("added-by-one-request"));
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task A_token_that_differs_from_a_remembered_one_in_any_character_is_validated_and_refused()
    {
        var validated = new ValidatedTokens();
        var token = Tokens.Issue(Guid.NewGuid());
        Assert.True((await validated.ValidateTokenAsync(token, Tokens.ValidationParameters.Clone())).IsValid);

        var signature = token.LastIndexOf('.') + 1;
        var tampered = token[..signature] + (token[signature] == 'A' ? 'B' : 'A') + token[(signature + 1)..];
        var otherKey = AuthApiTests.Sign("another-signing-key-of-at-least-32-bytes", Guid.NewGuid().ToString(), DateTime.UtcNow, DateTime.UtcNow.AddDays(1));

        Assert.False((await validated.ValidateTokenAsync(tampered, Tokens.ValidationParameters.Clone())).IsValid);
        Assert.False((await validated.ValidateTokenAsync(otherKey, Tokens.ValidationParameters.Clone())).IsValid);
        Assert.False((await validated.ValidateTokenAsync(token.ToUpperInvariant(), Tokens.ValidationParameters.Clone())).IsValid);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_has_expired()
    {
        var validated = new ValidatedTokens();
        var expires = DateTime.UtcNow.AddSeconds(2);
        var token = AuthApiTests.Sign(Key, Guid.NewGuid().ToString(), DateTime.UtcNow, expires);
        Assert.True((await validated.ValidateTokenAsync(token, Tokens.ValidationParameters.Clone())).IsValid);

        // Token times are whole seconds: wait until the expiry, rounded down, is past.
        while (DateTime.UtcNow <= expires)
        {
            await Task.Delay(100);
        }

        Assert.False((await validated.ValidateTokenAsync(token, Tokens.ValidationParameters.Clone())).IsValid);
    }
}
