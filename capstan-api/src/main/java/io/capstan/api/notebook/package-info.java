/** Wire records of notebooks: Jupyter servers with resources, a workspace and idle culling. */
package io.capstan.api.notebook;
