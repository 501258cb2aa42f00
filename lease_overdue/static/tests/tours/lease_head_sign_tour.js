import { registry } from "@web/core/registry";

// The head of asset management previews the rent collection notice waiting for his
// signature, then signs it, in Chinese (issue 11 items 2 and 10).
registry.category("web_tour.tours").add("lease_head_sign_tour", {
    steps: () => [
        {
            content: "The notice waiting for his signature",
            trigger: ".o_form_view .o_field_widget[name='kind']:contains('租金催收通知书')",
        },
        {
            content: "Preview the exact PDF before signing",
            trigger: "button[name='action_preview_pdf']:contains('预览PDF')",
            run: "click",
        },
        {
            content: "Sign (approve) it",
            trigger: "button[name='action_approve']:contains('批准')",
            run: "click",
        },
        {
            content: "Signed: no approval waits for him any more",
            trigger: ".o_form_view:not(:has(button[name='action_approve']))",
        },
    ],
});
