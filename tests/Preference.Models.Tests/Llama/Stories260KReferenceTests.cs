using Preference.Models.Loading;

namespace Preference.Models.Tests.Llama;

public class Stories260KReferenceTests
{
    [Fact]
    public void Logits_at_the_first_four_positions_match_llama2c_within_1e4()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);

        ReferenceLogits.AssertMatch(model);
    }
}
