package io.capstan.server.web;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The web console's response headers (decision 97): a Content-Security-Policy that lets the page
 * run only its own scripts and styles and talk only to this server, never framed by another site;
 * and revalidation of its files on every load, so a new server version's console is what a browser
 * runs (an unchanged file answers 304).
 */
@Configuration(proxyBeanMethods = false)
class ConsoleHeaders {
  static final String POLICY =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  @Bean
  FilterRegistrationBean<Filter> consoleHeadersFilter() {
    Filter filter =
        (request, response, chain) -> {
          HttpServletResponse http = (HttpServletResponse) response;
          http.setHeader("Content-Security-Policy", POLICY);
          http.setHeader("X-Content-Type-Options", "nosniff");
          http.setHeader("Referrer-Policy", "same-origin");
          http.setHeader("Cache-Control", "no-cache");
          chain.doFilter(request, response);
        };
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns("/", "/index.html", "/ui/*");
    registration.setName("consoleHeadersFilter");
    return registration;
  }
}
