/** Wire records of Katib Experiments run by Capstan: experiments and their trials. */
package io.capstan.api.experiment;
