package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.SealedValue;
import io.accountlifecycle.api.SealedValueOpener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** Renders event payloads for API callers, with every sealed personal field opened (or null once purged). */
@Component
class PersonalFieldsJson {

    private final JsonMapper mapper;

    PersonalFieldsJson(JsonMapper base, SealedValueOpener opener) {
        SimpleModule opening = new SimpleModule("open-sealed-values");
        opening.addSerializer(SealedValue.class, new ValueSerializer<>() {
            @Override
            public void serialize(SealedValue value, JsonGenerator gen, SerializationContext ctxt) {
                String plaintext = opener.open(value).orElse(null);
                if (plaintext == null) {
                    gen.writeNull();
                } else {
                    gen.writeString(plaintext);
                }
            }
        });
        this.mapper = base.rebuild().addModule(opening).build();
    }

    JsonNode render(Object payload) {
        return mapper.valueToTree(payload);
    }
}
