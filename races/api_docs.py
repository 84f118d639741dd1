"""The human page at /api/: the OpenAPI document laid out for reading."""

from django.views.generic import TemplateView

from .api import ANSWERS_OF_EVERY_OPERATION, api


def schema_fields(schema: dict, components: dict) -> list[dict]:
    """The top-level fields of a response schema, with their types."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        return schema_fields(schema["items"], components)
    fields = []
    for name, prop in schema.get("properties", {}).items():
        fields.append({"name": name, "type": type_label(prop)})
    return fields


def type_label(prop: dict) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " or ".join(type_label(option) for option in prop["anyOf"])
    if prop.get("type") == "array":
        return f"list of {type_label(prop['items'])}"
    label = prop.get("type", "object")
    return f"{label} ({prop['format']})" if "format" in prop else label


def answers(responses: dict) -> list[dict]:
    """Status, meaning and body types of each answer, in status order."""
    return [
        {
            "status": status,
            "description": response["description"],
            "media_types": list(response.get("content", {})),
        }
        for status, response in sorted(responses.items())
    ]


def endpoints(document: dict) -> list[dict]:
    components = document.get("components", {}).get("schemas", {})
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200", {})
            schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "fields": schema_fields(schema, components),
                    "answers": answers(
                        {
                            status: response
                            for status, response in operation["responses"].items()
                            if status not in ANSWERS_OF_EVERY_OPERATION
                        }
                    ),
                }
            )
    return found


class ApiDocsView(TemplateView):
    template_name = "races/api_docs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = api.get_openapi_schema(path_prefix="/api")
        context.update(
            info=document["info"],
            endpoints=endpoints(document),
            components=document.get("components", {}).get("schemas", {}),
            answers_of_every_endpoint=answers(ANSWERS_OF_EVERY_OPERATION),
        )
        return context
