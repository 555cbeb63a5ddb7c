using Preference.Core.Domain;
using Preference.Models.Tokenization;

namespace Preference.Models.Tests.Tokenization;

public class ChatTemplateTests
{
    static readonly Message[] Conversation =
    [
        new("system", "Be brief."),
        new("user", "Hi"),
        new("assistant", "Hello!"),
        new("user", "Bye"),
    ];

    // chat_template strings as published in the models' tokenizer_config.json files.
    const string Llama3Jinja = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
    const string Qwen2Jinja = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    const string ZephyrJinja = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";
    const string Llama2Jinja = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    [Fact]
    public void ChatMl_wraps_every_turn_and_opens_the_assistant_turn()
    {
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplate.ChatMl.Render(Conversation, addGenerationPrompt: true));
    }

    [Fact]
    public void Llama2_folds_the_system_prompt_into_the_first_instruction()
    {
        Assert.Equal(
            "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST]",
            ChatTemplate.Llama2.Render(Conversation, addGenerationPrompt: true));
    }

    [Fact]
    public void Llama2_refuses_turns_that_do_not_alternate()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatTemplate.Llama2.Render([new("user", "a"), new("user", "b")], false));

        Assert.Contains("turn 1", error.Message);
    }

    [Fact]
    public void Llama3_writes_headers_and_trims_content()
    {
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            ChatTemplate.Llama3.Render([new("user", "  Hi \n")], addGenerationPrompt: true));
    }

    [Fact]
    public void Human_assistant_matches_the_hh_rlhf_transcript_shape()
    {
        Assert.Equal(
            "Be brief.\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Bye\n\nAssistant:",
            ChatTemplate.HumanAssistant.Render(Conversation, addGenerationPrompt: true));
    }

    [Fact]
    public void A_message_without_a_role_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ChatTemplate.ChatMl.Render([new("", "x")], false));
    }

    [Fact]
    public void The_Llama3_jinja_template_is_recognised()
    {
        var template = ChatTemplateDetector.Detect(Llama3Jinja, "<|begin_of_text|>", "<|eot_id|>");

        Assert.IsType<Llama3ChatTemplate>(template);
        Assert.True(template.RendersBos);
    }

    [Fact]
    public void The_Qwen2_jinja_template_is_recognised_with_its_default_system_prompt()
    {
        var template = ChatTemplateDetector.Detect(Qwen2Jinja);

        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            template!.Render([new("user", "Hi")], addGenerationPrompt: true));
    }

    [Fact]
    public void The_Zephyr_jinja_template_is_recognised_with_the_models_eos()
    {
        var template = ChatTemplateDetector.Detect(ZephyrJinja, "<s>", "</s>");

        Assert.Equal("<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\n",
            template!.Render([new("system", "Be brief."), new("user", "Hi")], addGenerationPrompt: true));
    }

    [Fact]
    public void The_Llama2_jinja_template_is_recognised()
    {
        Assert.IsType<Llama2ChatTemplate>(ChatTemplateDetector.Detect(Llama2Jinja, "<s>", "</s>"));
    }

    [Fact]
    public void An_unknown_jinja_template_is_not_guessed()
    {
        Assert.Null(ChatTemplateDetector.Detect("{% for m in messages %}{{ m.content }}{% endfor %}"));
    }

    [Fact]
    public void Built_ins_are_found_by_name()
    {
        Assert.Same(ChatTemplate.Llama3, ChatTemplate.FromName("LLAMA3"));
        Assert.Null(ChatTemplate.FromName("vicuna"));
    }
}
