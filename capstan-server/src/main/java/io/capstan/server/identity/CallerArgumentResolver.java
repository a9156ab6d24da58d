package io.capstan.server.identity;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives a controller method's {@code Caller} parameter the user that {@link BearerAuthentication}
 * found.
 */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {
  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == Caller.class;
  }

  @Override
  public Caller resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer mavContainer,
      NativeWebRequest request,
      WebDataBinderFactory binderFactory) {
    Object caller =
        request.getAttribute(
            BearerAuthentication.CALLER_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    if (caller instanceof Caller found) {
      return found;
    }
    // A controller outside the authenticated paths asked for a caller: fail closed.
    throw new CapstanException(
        ErrorCode.UNAUTHENTICATED,
        "Expected an authenticated request, but "
            + request.getDescription(false)
            + " was not authenticated");
  }
}
